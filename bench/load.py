"""HTTP load: wrk (`-t2 -c16`), or a small threaded Python loader when wrk cannot be installed."""

import http.client
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

THREADS = 2
CONNECTIONS = 16

ROTATE_LUA = """
local paths = {%s}
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, paths[(n %% #paths) + 1])
end
"""

# Each thread takes every other line of a tab-separated file into `items` (a list of its fields), each line once.
THREAD_LINES_LUA = """
local count = 0
function setup(thread)
  thread:set("id", count)
  count = count + 1
end
function init(args)
  items = {}
  local n = 0
  for line in io.lines(args[1]) do
    if n %% %d == id then
      local fields, start = {}, 1
      while true do
        local tab = line:find("\\t", start, true)
        if not tab then break end
        fields[#fields + 1] = line:sub(start, tab - 1)
        start = tab + 1
      end
      fields[#fields + 1] = line:sub(start)
      items[#items + 1] = fields
    end
    n = n + 1
  end
  position = 0
end
function next_item()
  position = position + 1
  return items[((position - 1) %% #items) + 1]
end
function copy_headers()
  local headers = {}
  for name, value in pairs(wrk.headers) do
    headers[name] = value
  end
  return headers
end
"""

# The bodies file ("address<TAB>json"): each body POSTed once per round.
BODIES_LUA = (
    THREAD_LINES_LUA
    + """
function request()
  local item = next_item()
  local headers = copy_headers()
  headers["Content-Type"] = "application/json"
  return wrk.format("POST", item[1], headers, item[2])
end
"""
)

# The requests file ("address<TAB>header name<TAB>header value"): a GET as one person (their token or their
# browser's cookies), round-robin over everyone.
GETS_LUA = (
    THREAD_LINES_LUA
    + """
function request()
  local item = next_item()
  local headers = copy_headers()
  headers[item[2]] = item[3]
  return wrk.format("GET", item[1], headers)
end
"""
)


def people_read(path: str) -> list[tuple[str, str, str]]:
    """The lines of a requests file: (address, header name, header value), one person each."""
    with open(path) as handle:
        return [tuple(line.rstrip("\n").split("\t", 2)) for line in handle if line.strip()]


def wrk_ensure(log=sys.stderr) -> str | None:
    """wrk's path, installing Debian's package when running as root (as .ci/system_packages.py installs the suite's)."""
    found = shutil.which("wrk")
    if found or os.geteuid() != 0 or not shutil.which("apt-get"):
        return found
    log.write("Installing wrk (apt-get)…\n")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", "wrk"], env=env, check=False,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    if not shutil.which("wrk"):
        subprocess.run(["apt-get", "update", "-qq"], env=env, check=False, stdout=subprocess.DEVNULL)
        subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", "wrk"], env=env, check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    return shutil.which("wrk")


def _lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def wrk_run(wrk: str, base: str, spec: dict, duration: float) -> dict:
    """Requests per second of one scenario, and how many answers were not 2xx/3xx."""
    headers = dict(spec.get("headers", {}))
    headers.setdefault("Host", "localhost")
    command = [wrk, f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{duration:g}s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    with tempfile.TemporaryDirectory(prefix="mektep-wrk-") as folder:
        script = Path(folder) / "scenario.lua"
        trailing: list[str] = []
        if spec.get("bodies"):
            script.write_text(BODIES_LUA % THREADS)
            trailing = ["--", spec["bodies"]]
            url = base + "/"
        elif spec.get("people"):
            script.write_text(GETS_LUA % THREADS)
            trailing = ["--", spec["people"]]
            url = base + "/"
        elif spec.get("method") == "POST":
            script.write_text(
                f'wrk.method = "POST"\nwrk.body = {_lua_string(spec["body"])}\n'
                'wrk.headers["Content-Type"] = "application/json"\n'
            )
            url = base + spec["path"]
        else:
            paths = spec.get("paths") or [spec["path"]]
            script.write_text(ROTATE_LUA % ", ".join(_lua_string(path) for path in paths))
            url = base + paths[0]
        command += ["-s", str(script), url, *trailing]
        output = subprocess.run(command, capture_output=True, text=True, check=False).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    total = re.search(r"(\d+) requests in", output)
    latency = re.search(r"\s99%\s+([\d.]+\w+)", output)
    return {
        "rps": float(rate.group(1)) if rate else 0.0,
        "requests": int(total.group(1)) if total else 0,
        "bad": int(bad.group(1)) if bad else 0,
        "p99": latency.group(1) if latency else None,
    }


def python_run(port: int, spec: dict, duration: float) -> dict:
    """The fallback: CONNECTIONS threads, each sending requests one after another, for `duration` seconds."""
    headers = {"Host": "localhost", **spec.get("headers", {})}
    items: list[tuple[str, str, str | None] | tuple[str, str, None, dict]] = []
    if spec.get("people"):
        items.extend(("GET", path, None, {name: value}) for path, name, value in people_read(spec["people"]))
    elif spec.get("bodies"):
        with open(spec["bodies"]) as handle:
            for line in handle:
                address, body = line.rstrip("\n").split("\t", 1)
                items.append(("POST", address, body))
    elif spec.get("method") == "POST":
        items.append(("POST", spec["path"], spec["body"]))
    else:
        items.extend(("GET", path, None) for path in spec.get("paths") or [spec["path"]])
    lock = threading.Lock()
    state = {"next": 0, "done": 0, "bad": 0}
    stop = time.monotonic() + duration

    def worker() -> None:
        while time.monotonic() < stop:
            with lock:
                method, path, body, *own = items[state["next"] % len(items)]
                state["next"] += 1
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            extra = {"Content-Type": "application/json"} if body else {}
            try:
                connection.request(method, path, body=body, headers={**headers, **extra, **(own[0] if own else {})})
                status = connection.getresponse().status
                status_ok = 200 <= status < 400
            except OSError:
                status_ok = False
            finally:
                connection.close()
            with lock:
                state["done"] += 1
                state["bad"] += 0 if status_ok else 1

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return {"rps": state["done"] / elapsed, "requests": state["done"], "bad": state["bad"], "p99": None}
