"""Drives a command through a pseudo-terminal, like a person at a keyboard.

Usage: terminal.py STEPS_JSON CMD... ; STEPS_JSON is [[regex, keys], ...]: wait until the
screen output since the previous step matches regex, then type keys. Prints the whole
transcript, then exits with the command's exit code (124 if a step timed out).
"""
import json
import os
import pty
import re
import select
import sys
import time

steps = json.loads(sys.argv[1])
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])

transcript = b""
seen = 0
deadline_per_step = 15


def read_some(timeout):
    global transcript
    ready, _, _ = select.select([fd], [], [], timeout)
    if not ready:
        return True
    try:
        data = os.read(fd, 65536)
    except OSError:
        return False
    if not data:
        return False
    transcript += data
    return True


def clean(raw):
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", raw.decode("utf-8", "replace"))


alive = True
for pattern, keys in steps:
    start = time.time()
    while not re.search(pattern, clean(transcript[seen:])):
        if not alive or time.time() - start > deadline_per_step:
            sys.stdout.write(clean(transcript))
            sys.stdout.write("\n[pty] timed out waiting for %r\n" % pattern)
            os.kill(pid, 9)
            sys.exit(124)
        alive = read_some(0.1)
    seen = len(transcript)
    time.sleep(0.05)
    os.write(fd, keys.encode())

while alive:
    alive = read_some(5)
_, status = os.waitpid(pid, 0)
sys.stdout.write(clean(transcript))
sys.exit(os.waitstatus_to_exitcode(status) if hasattr(os, "waitstatus_to_exitcode") else status >> 8)
