"""The record streams rules read, and the fields of each (Zeek's declared log records).

Network streams are written by the capture analysis (analysis/network.py), `device.*` streams by the device
checks (device/checks/), one record per thing observed, with the evidence lines that show it.

A rule names its stream in `logsource.stream`; every field it tests, names as `subject`, groups by in
`dedup` or quotes in `{braces}` in its description must be one of that stream's fields, so a typo in an
instructor's rule is an error when the rule is loaded, not a rule that silently never fires. Fields
starting with `_` (times, evidence, the indicator object) are internal to the engine.
"""

from __future__ import annotations

STREAM_FIELDS: dict[str, dict[str, str]] = {
    "dns": {
        "name": "the name asked for, lower case",
        "qtype": "A, AAAA, HTTPS, ... (the number when unnamed)",
        "response": "true for an answer, false for a question",
        "rcode": "0 = NOERROR, 3 = NXDOMAIN (the name does not exist)",
        "answers": "addresses and names in the answer",
        "ioc_role": "c2 | distribution | website when the name is in a feed, else null",
        "ioc_family": "the family the feed names",
        "ioc_value": "the feed entry that matched (a parent domain of the name, on label boundaries)",
    },
    "tls": {
        "client_hello": "always true (one record per ClientHello)",
        "sni": "the server name the phone asked for (null without SNI)",
        "server": "the server name, or its address without SNI",
        "dst_ip": "server address", "dst_port": "server port",
        "version": "the TLS version in use (the server's choice when its ServerHello was seen)",
        "offered_version": "the highest version the phone offered",
        "alpn": "application protocols offered (h2, http/1.1, ...)",
        "ja3_md5": "JA3 fingerprint of the ClientHello", "ja4": "JA4 fingerprint of the ClientHello",
        "ja3s_md5": "JA3S fingerprint of the ServerHello (null when not seen)",
        "quic": "true when the ClientHello came in a QUIC Initial",
        "cert_self_signed": "the server certificate is self-signed (TLS 1.2 only; null when hidden)",
        "cert_subject": "server certificate subject", "cert_issuer": "server certificate issuer",
        "cert_issuer_org": "issuer organisation (Let's Encrypt, ZeroSSL, ...)",
        "cert_sha1": "SHA-1 fingerprint of the server certificate, upper-case hex",
        "cert_not_before": "validity start (ISO 8601)", "cert_not_after": "validity end (ISO 8601)",
    },
    "http": {
        "method": "GET, POST, ...", "path": "request path", "host": "Host header without the port",
        "user_agent": "User-Agent header", "body_size": "Content-Length",
        "dst_ip": "server address", "dst_port": "server port",
    },
    "flow": {
        "proto": "tcp | udp", "src": "phone address", "sport": "phone port", "dst": "server address",
        "dport": "server port", "start": "first packet (epoch seconds)", "end": "last packet (epoch seconds)",
        "packets_out": "packets from the phone", "packets_in": "packets to the phone",
        "bytes_out": "IP bytes from the phone", "bytes_in": "IP bytes to the phone",
        "payload_out": "payload bytes from the phone", "payload_in": "payload bytes to the phone",
        "first_frame": "packet number of the first packet",
        "bursts": "[(time, bytes)] of the phone's sending bursts",
        "sni": "TLS server name, if any", "name": "server name (SNI, HTTP Host or the DNS name of the address)",
        "iat_mean_s": "mean time between packets", "iat_max_s": "longest silence between packets",
    },
    "destination": {
        "label": "server name, or address when unnamed", "name": "server name (null when unnamed)",
        "dst_ip": "first address", "dst_ips": "all addresses", "dst_port": "server port",
        "transport": "tcp | udp", "scope": "internet | local | multicast",
        "sni": "TLS server name of the first connection", "tunnel": "a VPN port (WireGuard, OpenVPN, IPsec)",
        "resolved": "an address of it came from a DNS answer", "dns_hidden": "names were hidden by encrypted DNS",
        "flows": "number of connections", "bytes_out": "bytes sent", "bytes_in": "bytes received",
        "upload_ratio": "bytes_out / bytes_in", "duration_s": "time connected, summed",
        "beacon_count": "number of regular gaps between connections",
        "beacon_period_s": "median regular gap (seconds)", "beacon_cv": "regularity (lower = more regular)",
        "actions_total": "user actions recorded", "actions_followed": "actions followed by an upload here",
        "actions_share": "actions_followed / actions_total", "actions_list": "which actions",
        "window_s": "how long after an action an upload counts (an upload counts for the last action before it)",
        "window_share": "share of the capture lying within window_s after some action",
        "chance": "probability that as many of its uploads would follow actions if they came at random times",
        "opened_after": "the action the first connection to it followed (browse: a page the person opened)",
        "upload_sessions": "sessions of its traffic (bursts seconds apart: an app in use) with an upload",
        "baseline_bursts": "its bursts away from the actions: the usual traffic uploads must stand out from",
        "action_app_host": "the server belongs to the app the person was using for those actions",
        "ioc_role": "c2 | distribution | website when its name is in a feed, else null",
    },
    "ioc": {
        "value": "the feed entry", "kind": "domain | ipv4 | ipv6 | cidr | cert_sha1 | ...",
        "role": "c2 | distribution | website | ...", "family": "family name", "family_type":
            "stalkerware | watchware", "feed": "feed name", "observed": "what the capture showed",
        "observed_as": "dns | sni | http host | address | certificate",
    },
    "capture": {
        "duration_s": "capture length", "duration_min": "capture length in minutes", "packets": "frames read",
        "flows": "connections to the internet", "active_minutes": "minutes with a new connection",
        "idle": "the phone was barely used", "activity": "in use | barely used",
        "short": "shorter than ten minutes", "names_hidden": "encrypted DNS hid the names",
        "encrypted_dns": "Private DNS / DoH servers seen", "dns_queries": "plain DNS questions",
        "vpn_share": "share of bytes in a VPN tunnel", "vpn_endpoint": "the VPN server",
        "quic_share": "share of bytes in QUIC", "truncated": "the file was cut short",
        "partial_reason": "why the reading stopped early", "phones": "DHCP hostnames and MACs seen",
        "damaged_records": "records that cannot be packets", "time_backwards": "packets timed before the one before",
        "time_backwards_frame": "where time first ran backwards",
        "flows_summarised": "connections kept only as per-destination totals",
        "flows_unlisted": "summarised connections past the summaries' cap (only counted)",
        "destinations_unanalysed": "destinations past the 1,000 analysed",
        "observations_unlisted": "sightings past 5,000 per observation list",
        "frames_unsupported_link": "frames on an interface whose link type is not read",
    },
}


# Fields every device record about one app carries.
_APP = {
    "package": "the app's package name",
    "installed_via": "store | third-party store | apk file | other app | adb or unknown | system | not installed "
                     "(absent from a complete package list) | not listed (no complete package list to look in)",
    "installed_how": "how it got onto the phone, in plain words",
}
_IOC = {
    "ioc_family": "the family a feed names (null when no indicator matched)",
    "ioc_family_type": "stalkerware | watchware | ...", "ioc_role": "the indicator's role (package, ...)",
    "ioc_kind": "package | signer_sha1 | apk_sha256", "ioc_value": "the feed entry", "ioc_feed": "feed name",
}
STREAM_FIELDS.update({
    "device.power": {
        **_APP,
        "power": "accessibility_service | notification_listener | device_admin | device_owner | usage_access",
        "components": "the enabled components (package/class), or the package when none is named",
        "owner_kind": "device owner | profile owner (device_owner only)",
    },
    "device.install": {
        **_APP,
        "installer": "the installer recorded (null when none)", "originating": "the app that handed the APK over",
        "untrusted_system": "flagged as system, yet in /data/app with no installer and no trusted signature",
        "apk_path": "path of the first APK file", "signer_sha1": "signing certificate SHA-1 of the first APK",
        "signer_subject": "its subject",
    },
    "device.launcher": {**_APP, "hidden_by": "why the icon is hidden (launcher activity disabled, no MAIN activity)"},
    "device.permissions": {
        **_APP,
        "location": "location permissions granted", "messages_or_calls": "SMS / call-log permissions granted",
        "microphone_or_camera": "microphone / camera permissions granted", "contacts": "contacts permission granted",
        "granted": "every one of those, without the android.permission. prefix",
        "extras": "what else it can do (start at boot, draw over other apps, see each text message...)",
        "extras_text": "the same in a sentence (a, b and c)",
    },
    "device.name": {**_APP, "imitates": "how the name imitates the system (null when it does not)"},
    "device.indicator": {
        **_APP, **_IOC,
        "matched": "package | signer | apk_hash: what matched", "value": "the value that matched",
        "installed": "the app is in the package list", "named_in": "where a package that is not installed is named",
        "named_at": "the artefact line naming it",
    },
    "device.uninstall": {
        **_IOC,
        "package": "the package uninstalled", "change": "the batterystats line", "span": "when (phone time)",
        "reinstalled": "installed again since", "imitates": "how the name imitates the system (null when not)",
    },
    "device.unknown_sources": {
        "package": "the app allowed to install apps (null for the old phone-wide switch)",
        "role": "browser | file manager | messaging app (null for other apps)", "mode": "the app-op mode (allow)",
        "last_used": "when the permission was last used (phone time)",
        "setting": "install_non_market_apps for the phone-wide switch of Android 7 and older",
        "value": "the switch's value", "sdk": "the phone's Android SDK level",
    },
    "device.play_protect": {
        "settings_off": "protection settings switched off", "scanning_off": "app scanning itself is off",
        "summary": "each setting with its value and meaning",
    },
    "device.root": {"traces": "root binaries, processes, mounts and packages found", "summary": "the same, in a line"},
    "device.app_profile": {
        **_APP, **_IOC,
        "sideloaded": "installed from a file, over adb or by an unknown route (not a store, not system)",
        "powers": "monitoring powers it holds (rule ids of their findings)",
        "traits": "stalkerware traits it shows (hidden icon, sensitive permissions, system-like name)",
        "signals": "number of signals: sideloaded + powers + traits", "signal_rules": "the rule ids of both",
        "signals_text": "the signals in a sentence",
    },
})


def unknown_fields(stream: str, names: set[str]) -> list[str]:
    """The names that `stream` does not have (none for a stream without declared fields)."""
    declared = STREAM_FIELDS.get(stream)
    if declared is None:
        return []
    return sorted(n for n in names if n not in declared and not n.startswith("_"))
