"""The network wing's protocol messages as bytes, one module per protocol, each named like the detector's
parser of it (render/dns.py writes what detector/capture/protocols/dns.py reads)."""
