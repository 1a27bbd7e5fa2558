"""The phone's state as plain data: what an acquisition would find, before any file is written.

`build_device_state` (in `simulator.device.build`) fills these; the modules of `simulator.device.render`
only format them, one artefact each. Times are float epoch seconds on the scenario clock; the writers print them in the
phone's local time zone, as Android does.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from stalkerlab.simulator.instance import Persona
from stalkerlab.simulator.world.model import Signer


@dataclass(frozen=True)
class Component:
    """An Android ComponentName: package + fully qualified class."""

    package: str
    cls: str

    @classmethod
    def of(cls, package: str, name: str) -> Component:
        """`name` as world files write it: ".svc.Keys" (relative to the package) or fully qualified."""
        return cls(package, f"{package}{name}" if name.startswith(".") else name)

    @property
    def flat(self) -> str:
        """flattenToString(): what Settings.Secure stores."""
        return f"{self.package}/{self.cls}"

    @property
    def short(self) -> str:
        """flattenToShortString(): "pkg/.cls" when the class lives in the package."""
        if self.cls.startswith(self.package + "."):
            return f"{self.package}/{self.cls[len(self.package):]}"
        return self.flat


@dataclass(frozen=True)
class ApkFile:
    path: str                 # /data/app/~~x==/pkg-y==/base.apk
    md5: str
    sha1: str
    sha256: str
    sha512: str


@dataclass(frozen=True)
class InstalledPackage:
    name: str
    label: str
    version_name: str
    version_code: int
    uid: int
    system: bool
    installer: str            # what `pm list packages -i` and packages.json say ("null" for adb/sideload)
    initiating: str | None    # dumpsys package initiatingPackageName
    originating: str | None   # dumpsys package originatingPackageName (the browser that downloaded it)
    apk: ApkFile
    signer: Signer
    trusted_certificate: bool
    first_install: float
    last_update: float
    requested_permissions: tuple[str, ...]
    install_permissions: tuple[str, ...]       # normal permissions, granted at install
    runtime_permissions: tuple[tuple[str, bool], ...]  # (permission, granted)
    disabled_components: tuple[str, ...] = ()
    accessibility_service: Component | None = None
    notification_listener: Component | None = None
    device_admin: Component | None = None
    boot_receiver: bool = False
    min_sdk: int = 24
    target_sdk: int = 34
    disabled: bool = False
    family: str | None = None   # family id when the package belongs to a simulated family
    receivers: tuple[tuple[str, str], ...] = ()   # (intent action, receiver class) broadcast receivers

    @property
    def code_path(self) -> str:
        return self.apk.path.rsplit("/", 1)[0]


@dataclass(frozen=True)
class AppOpAccess:
    at: float
    uid_state: str            # "fg-s", "bg-s", "top-s", "cch-s"


@dataclass(frozen=True)
class AppOp:
    uid: int
    package: str
    op: str                   # GET_USAGE_STATS, REQUEST_INSTALL_PACKAGES, CAMERA...
    mode: str                 # allow | ignore | deny | default
    accesses: tuple[AppOpAccess, ...] = ()


@dataclass(frozen=True)
class PackageChange:
    """One line of batterystats' daily "Package changes:" (install or update: Update; removal: Uninstall)."""

    at: float
    package: str
    update: bool
    version_code: int = 0


@dataclass(frozen=True)
class Process:
    user: str
    pid: int
    ppid: int
    vsz: int
    rss: int
    wchan: str
    state: str
    name: str
    label: str = "u:r:untrusted_app:s0"


@dataclass(frozen=True)
class StoryEvent:
    """A step of an installation story, for the answer key ("21:14 browser allowed to install apps")."""

    at: float
    package: str
    event: str                # unknown_sources_granted | play_protect_off | downloaded | installed |
                              # accessibility_enabled | device_admin_enabled | notification_access |
                              # usage_access | icon_hidden | uninstalled
    detail: str = ""


@dataclass(frozen=True)
class FileRecord:
    """One files.json entry (AndroidQF's collector `find` record)."""

    path: str
    size: int
    mode: str
    user_id: int
    group_id: int
    changed_time: int
    modified_time: int
    access_time: int
    context: str
    sha256: str


@dataclass(frozen=True)
class DeviceState:
    scenario_id: str
    seed: int
    persona: Persona
    timezone: str
    accessibility_syntax: str             # "v14" | "legacy"
    setup_time: float                     # first boot / device set-up
    boot_time: float                      # last reboot
    acquisition_uuid: str
    acquisition_started: float
    acquisition_completed: float
    build_fingerprint: str
    build_incremental: str
    properties: tuple[tuple[str, str], ...]
    packages: tuple[InstalledPackage, ...]
    settings: dict[str, tuple[tuple[str, str], ...]]   # "system" | "secure" | "global" -> sorted key=value
    accessibility_installed: tuple[Component, ...]
    accessibility_enabled: tuple[Component, ...]       # as the setting says (may hold stale entries)
    notification_listeners: tuple[Component, ...]
    device_admins: tuple[tuple[Component, int], ...]   # (receiver, uid)
    appops: tuple[AppOp, ...]
    package_changes: tuple[PackageChange, ...]
    processes: tuple[Process, ...]
    mounts: tuple[str, ...]
    root_binaries: tuple[str, ...]
    files: tuple[FileRecord, ...]
    story: tuple[StoryEvent, ...]
    family_packages: tuple[tuple[str, str, str], ...]  # (family id, package, presence) for the index
    stale_accessibility: tuple[str, ...] = field(default=())   # packages whose component outlived them
    adb_host_key: str = ""          # the acquiring computer's ADB public key ("<base64> user@host")
    tombstones: tuple[tuple[float, str, int, str], ...] = ()   # (time, process, uid, binary) native crashes

    def package(self, name: str) -> InstalledPackage | None:
        for p in self.packages:
            if p.name == name:
                return p
        return None
