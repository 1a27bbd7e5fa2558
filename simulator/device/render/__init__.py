"""The device wing's artefacts, one module per file or dumpsys service, each named like the detector's parser
of the same artefact (render/dumpsys_package.py writes what detector/device/formats/dumpsys_package.py reads):
a `DeviceState` in, the text (a `MarkedText` where the answer key cites its lines) out."""
