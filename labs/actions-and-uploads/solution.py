"""Reference solution: the report names the server that receives data after the person's actions; tshark gives
that server's connections, and each action is matched to the first connection that opens after it."""

from pathlib import Path

from stalkerlab.labs.learner_tools import detect, read_json, tshark_fields

from stalkerlab.common.utc_time import epoch, iso


def solve(files: Path) -> dict[str, str]:
    report = detect(files)
    server = next(f["subject"] for f in report["findings"] if f["rule_id"] == "net.flow.upload_after_action")
    pcap = files / "capture.pcap"
    addresses = {a for row in tshark_fields(pcap, f'dns.flags.response == 1 && dns.qry.name == "{server}"',
                                            ["dns.a"]) for a in row[0].split(",") if a}
    address_filter = " || ".join(f"ip.addr == {a}" for a in sorted(addresses))
    rows = tshark_fields(pcap, f"tcp && ({address_filter})",
                         ["frame.number", "frame.time_epoch", "tcp.stream", "ip.dst", "tcp.len",
                          "tcp.flags.syn", "tcp.flags.ack", "tls.record.content_type"])
    connections: dict[str, list[list[str]]] = {}
    for row in rows:
        connections.setdefault(row[2], []).append(row)
    uploads = []
    for action in read_json(files / "stimuli.json")["actions"]:
        after = epoch(action["time"])
        opened = [(float(c[0][1]), c) for c in connections.values()
                  if c[0][5] == "1" and c[0][6] == "0" and float(c[0][1]) >= after]
        if not opened:
            continue
        _start, packets = min(opened, key=lambda o: o[0])
        sent = [p for p in packets if p[3] in addresses and int(p[4] or 0) > 0]
        change_cipher = next(i for i, p in enumerate(sent) if "20" in p[7].split(","))
        data = sent[change_cipher + 1:]
        uploads.append({"action": action["action"], "bytes": sum(int(p[4]) for p in data),
                        "packet": data[0][0], "time": iso(float(data[0][1]))})
    biggest = max(uploads, key=lambda u: u["bytes"])
    return {"server": server, "biggest-after": biggest["action"], "biggest-bytes": str(biggest["bytes"]),
            "upload-start": biggest["time"], "upload-packet": biggest["packet"]}
