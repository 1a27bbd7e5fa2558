"""What a test does as the people of a classroom: an instructor logs in and opens a classroom, a learner waits
for their files."""

from __future__ import annotations

import re
import time

PASSWORD = "correct horse battery staple"


def log_in(client, username: str = "teacher", password: str = PASSWORD):
    return client.post("/instructor/login", data={"username": username, "password": password})


def new_classroom(client, labs=("c2-in-a-capture",), **extra) -> tuple[int, str]:
    response = client.post("/instructor/classrooms", data={"name": "Workshop", "track": "police", "labs": list(labs),
                                                          "language": "en", **extra})
    classroom_id = int(response.headers["Location"].rsplit("/", 1)[1])
    page = client.get(f"/instructor/classrooms/{classroom_id}").get_data(as_text=True)
    return classroom_id, re.search(r'<code class="big">(\w+)</code>', page).group(1)


def wait_for_files(client, lab_id: str = "c2-in-a-capture", timeout: float = 90) -> str:
    client.get(f"/labs/{lab_id}")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = client.get(f"/labs/{lab_id}/status.json").json["status"]
        if status != "pending":
            return status
        time.sleep(0.5)
    raise AssertionError("the learner's files were not ready in time")
