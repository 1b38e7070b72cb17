"""`make prod` and `make test-topology`: the production topology on this machine, without containers.

A throwaway PostgreSQL primary and a streaming-replication hot standby, Redis, two gunicorn web nodes behind nginx
(TLS, a self-signed certificate), two Celery workers and one beat, all on 127.0.0.1 and free ports, every Mektep
process started through deploy/entrypoint.sh with the production settings.

    python tests/topology.py serve   prints the address and runs until Ctrl-C (`make prod`)
    python tests/topology.py test    a bounded mixed load while a web node and a worker are killed and the replica
                                     is stopped for a while; asserts nothing accepted is lost and prints the figures
"""

import contextlib
import json
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.harness import (
    BASE_DIR,
    PYTHON,
    Services,
    find_initdb,
    free_port,
    run,
    say,
    wait_for_port,
)

ENTRYPOINT = str(BASE_DIR / "deploy" / "entrypoint.sh")
NGINX = "/usr/sbin/nginx"
# The mixed load runs this long; the faults happen at fixed points inside it.
LOAD_SECONDS = 45
KILL_WEB_AT, KILL_WORKER_AT, STOP_REPLICA_AT, START_REPLICA_AT, PUBLISH_AT = 8, 10, 14, 26, 32


def wait_until(condition, timeout: float, what: str, interval: float = 0.3):
    """Polls `condition` until it returns something true; fails with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            result = condition()
            if result:
                return result
        time.sleep(interval)
    raise SystemExit(f"FAILED: {what} within {timeout:.0f}s")


class Topology(Services):
    """Services (Redis, the PostgreSQL primary) plus a hot standby, the web nodes, the balancer and the workers."""

    def __init__(self) -> None:
        super().__init__()
        self.standby_port = free_port()
        self.standby_data = self.tmp / "postgres" / "standby"
        self.balancer_port = free_port()
        self.web_ports = {"web1": free_port(), "web2": free_port()}
        self.processes: dict[str, subprocess.Popen] = {}
        self.logs = self.tmp / "logs"
        self.logs.mkdir()
        self.bindir = Path(find_initdb()).parent

    # --- databases ---------------------------------------------------------------------------

    def start(self) -> None:
        super().start()
        run(self.as_postgres([str(self.bindir / "createdb"), "-h", "127.0.0.1", "-p", str(self.pg_port), "-U",
                              "postgres", "mektep"]))  # fmt: skip
        say(f"Starting the hot standby on 127.0.0.1:{self.standby_port} (pg_basebackup of the primary)")
        basebackup = [str(self.bindir / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(self.pg_port), "-U", "postgres"]
        run(self.as_postgres([*basebackup, "-D", str(self.standby_data), "-R", "-X", "stream", "-c", "fast"]))
        self.standby_start()

    def standby_start(self) -> None:
        options = (
            f"-p {self.standby_port} -k {self.standby_data.parent} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c hot_standby=on -c hot_standby_feedback=on"
        )
        run(self.as_postgres([self.pg_ctl, "-D", str(self.standby_data), "-o", options, "-l",
                              str(self.standby_data.parent / "standby.log"), "-w", "start"]),
            stdout=subprocess.DEVNULL)  # fmt: skip

    def standby_stop(self) -> None:
        run(self.as_postgres([self.pg_ctl, "-D", str(self.standby_data), "-m", "fast", "-w", "stop"]),
            stdout=subprocess.DEVNULL)  # fmt: skip

    def sql(self, port: int, query: str, params=()) -> list:
        import psycopg

        with psycopg.connect(f"postgresql://postgres@127.0.0.1:{port}/mektep", connect_timeout=3) as connection:
            return connection.execute(query, params).fetchall()

    def replication_lag(self) -> tuple[int, float]:
        """Bytes of WAL the standby has still to replay, and the primary's view of the replay lag in seconds."""
        (primary_lsn,) = self.sql(self.pg_port, "SELECT pg_current_wal_lsn()::text")[0]
        (lag_bytes,) = self.sql(
            self.standby_port, "SELECT pg_wal_lsn_diff(%s::pg_lsn, pg_last_wal_replay_lsn())::bigint", [primary_lsn]
        )[0]
        rows = self.sql(self.pg_port, "SELECT COALESCE(EXTRACT(EPOCH FROM replay_lag), 0) FROM pg_stat_replication")
        return max(int(lag_bytes), 0), float(rows[0][0]) if rows else 0.0

    def caught_up(self) -> bool:
        return self.replication_lag()[0] == 0

    # --- Mektep processes --------------------------------------------------------------------

    @property
    def env(self) -> dict:
        var = self.tmp / "var"
        return {
            **os.environ,
            "PYTHON": PYTHON,
            "DJANGO_SETTINGS_MODULE": "cms.settings.production",
            "SECRET_KEY": self.secret_key,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": self.postgres_url,
            "DATABASE_REPLICA_URL": f"postgres://postgres@127.0.0.1:{self.standby_port}/mektep",
            "REDIS_URL": self.redis_url,
            "MEKTEP_TRUSTED_PROXIES": "1",
            "MEKTEP_VAR_DIR": str(var),
            "STATIC_ROOT": str(var / "static"),
            "MEDIA_ROOT": str(var / "media"),
            "WEB_CONCURRENCY": "2",
            "CELERY_CONCURRENCY": "1",
            "LOG_LEVEL": "WARNING",
            "GUNICORN_ACCESS_LOG": str(self.logs / "access.log"),
            # A killed worker's task comes back, and its report run is taken over, within seconds here.
            "CELERY_VISIBILITY_TIMEOUT": "15",
            "CELERY_UNACKED_RESTORE_INTERVAL": "2",
            "REPORT_ABANDONED_SECONDS": "15",
        }

    secret_key = secrets.token_urlsafe(50)

    def manage(self, *arguments: str, capture: bool = False) -> str:
        result = subprocess.run([ENTRYPOINT, "manage", *arguments], cwd=BASE_DIR, env=self.env, check=False,
                                capture_output=capture, text=True)  # fmt: skip
        if result.returncode != 0:
            raise SystemExit(f"FAILED: manage.py {' '.join(arguments)}\n{result.stderr if capture else ''}")
        return result.stdout if capture else ""

    def people(self, *arguments: str):
        result = subprocess.run([PYTHON, "-m", "tests.topology_people", *arguments], cwd=BASE_DIR, env=self.env,
                                check=False, capture_output=True, text=True)  # fmt: skip
        if result.returncode != 0:
            raise SystemExit(f"FAILED: topology_people {arguments}\n{result.stderr}")
        return json.loads(result.stdout.strip().splitlines()[-1])

    def spawn(self, name: str, role: str, **extra: str) -> None:
        log = (self.logs / f"{name}.log").open("a")
        self.processes[name] = subprocess.Popen(
            [ENTRYPOINT, role], cwd=BASE_DIR, env={**self.env, **extra}, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    def kill(self, name: str) -> None:
        """SIGKILL to the whole process group: a node that dies, not one that shuts down."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.processes[name].pid, signal.SIGKILL)
        self.processes[name].wait(timeout=10)

    def web_start(self, name: str) -> float:
        started = time.monotonic()
        self.spawn(name, "web", GUNICORN_BIND=f"127.0.0.1:{self.web_ports[name]}")
        wait_for_port(self.web_ports[name], self.processes[name], name, timeout=120)
        wait_until(lambda: node_get(self.web_ports[name], "/readyz").status_code == 200, 60, f"{name} ready")
        return time.monotonic() - started

    def balancer_start(self) -> None:
        certificate, key = self.tmp / "cert.pem", self.tmp / "key.pem"
        run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
             "-keyout", str(key), "-out", str(certificate)], capture_output=True)  # fmt: skip
        servers = "\n".join(
            f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=3s;" for port in self.web_ports.values()
        )
        temp = self.tmp / "nginx"
        temp.mkdir()
        config = self.tmp / "nginx.conf"
        config.write_text(f"""
daemon off;
pid {temp}/nginx.pid;
error_log {self.logs}/nginx-error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {temp}/body; proxy_temp_path {temp}/proxy; fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi; scgi_temp_path {temp}/scgi;
    upstream mektep_web {{
{servers}
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{self.balancer_port} ssl;
        ssl_certificate {certificate};
        ssl_certificate_key {key};
        location / {{
            proxy_pass http://mektep_web;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_next_upstream error timeout http_502 http_503;
            proxy_next_upstream_tries 2;
            proxy_connect_timeout 2s;
        }}
    }}
}}
""")
        if os.geteuid() == 0:
            os.chmod(temp, 0o777)
        log = (self.logs / "nginx.log").open("a")
        self.processes["nginx"] = subprocess.Popen(
            [NGINX, "-p", str(temp), "-c", str(config), "-e", str(self.logs / "nginx-error.log")],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        wait_for_port(self.balancer_port, self.processes["nginx"], "nginx")

    def start_all(self) -> dict:
        """Everything, in the order a deploy would; returns how long the steps took."""
        timings = {}
        started = time.monotonic()
        self.start()
        say("Migrating (deploy/entrypoint.sh migrate), collecting static files, seeding the demo school")
        with (self.logs / "migrate.log").open("w") as log:
            subprocess.run([ENTRYPOINT, "migrate", "--verbosity", "0"], cwd=BASE_DIR, env=self.env, check=True,
                           stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
        timings["migrate_s"] = time.monotonic() - started
        self.manage("collectstatic", "--noinput", "--verbosity", "0")
        timings["collectstatic_s"] = time.monotonic() - started - timings["migrate_s"]
        self.manage("seed_demo", capture=True)
        timings["setup_s"] = time.monotonic() - started
        say("Starting two web nodes, nginx, two workers and one beat")
        timings["web1_ready_s"] = self.web_start("web1")
        timings["web2_ready_s"] = self.web_start("web2")
        self.balancer_start()
        self.spawn("worker1", "worker", CELERY_HOSTNAME="worker1@topology")
        self.spawn("worker2", "worker", CELERY_HOSTNAME="worker2@topology")
        self.spawn("beat", "beat", CELERY_BEAT_SCHEDULE=str(self.tmp / "beat-schedule"), LOG_LEVEL="INFO")
        return timings

    @property
    def address(self) -> str:
        return f"https://127.0.0.1:{self.balancer_port}"

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        for name, process in self.processes.items():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                sys.stdout.write(f"{name} did not stop; killing it\n")
                os.killpg(process.pid, signal.SIGKILL)
        if self.standby_data.exists():
            run(self.as_postgres([self.pg_ctl, "-D", str(self.standby_data), "-m", "immediate", "stop"]), check=False,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        super().stop()


def node_get(port: int, path: str, **headers: str):
    """A request straight to one web node, as the balancer sends it (HTTPS ended in front)."""
    import requests

    return requests.get(f"http://127.0.0.1:{port}{path}", headers={"X-Forwarded-Proto": "https", **headers},
                        timeout=10, allow_redirects=False)  # fmt: skip


# --- the load ------------------------------------------------------------------------------------


@dataclass
class Figures:
    requests: dict = field(default_factory=dict)
    failures: list = field(default_factory=list)
    retried: int = 0
    saved: dict = field(default_factory=dict)
    answer_lost: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, kind: str) -> None:
        with self.lock:
            self.requests[kind] = self.requests.get(kind, 0) + 1


class Load:
    """Parents reading weeks, teachers saving marks, anonymous visitors reading the public site, through nginx."""

    def __init__(self, topology: Topology, people: dict) -> None:
        import requests
        import urllib3

        warnings.simplefilter("ignore", urllib3.exceptions.InsecureRequestWarning)
        self.requests = requests
        self.topology = topology
        self.people = people
        self.figures = Figures()
        self.stop = threading.Event()

    def send(self, kind: str, session, method: str, path: str, **kwargs):
        """One request; one retry when the answer was lost with a node (a connection error or a 502 from nginx)."""
        url = self.topology.address + path
        for attempt in (1, 2):
            self.figures.count(kind)
            try:
                response = session.request(method, url, timeout=30, verify=False, allow_redirects=False, **kwargs)
            except self.requests.RequestException as error:
                failure = f"{kind} {method} {path}: {error.__class__.__name__}"
            else:
                if response.status_code not in (502, 503, 504):
                    return response, attempt
                failure = f"{kind} {method} {path}: {response.status_code}"
            if attempt == 1:
                with self.figures.lock:
                    self.figures.retried += 1
                continue
            with self.figures.lock:
                self.figures.failures.append(failure)
        return None, 2

    def family(self, index: int, family: dict) -> None:
        api = self.requests.Session()
        api.headers["Authorization"] = f"Bearer {family['token']}"
        browser = self.requests.Session()
        browser.headers["Cookie"] = family["cookie"]
        weeks = [f"2026-W{week:02d}" for week in range(36, 50)]
        turn = index
        while not self.stop.is_set():
            week = weeks[turn % len(weeks)]
            turn += 1
            for kind, session, path in (
                ("family api", api, f"/api/diary/v1/students/{family['student']}/diary/?week={week}"),
                ("family page", browser, f"/ky/diary/students/{family['student']}/week/?week={week}"),
            ):
                response, _attempt = self.send(kind, session, "GET", path)
                if response is not None and response.status_code != 200:
                    self.figures.failures.append(f"{kind} {path}: {response.status_code}")

    def teacher(self, teacher: dict) -> None:
        session = self.requests.Session()
        session.headers["Authorization"] = f"Bearer {teacher['token']}"
        for journal, lesson, student, version, grade in teacher["cells"]:
            if self.stop.is_set():
                return
            body = {
                "changes": [{"lesson": lesson, "student": student, "version": version, "grades": [grade]}],
                "reason": "corrected after the lesson",
            }
            response, attempt = self.send("teacher save", session, "POST", f"/api/diary/v1/journals/{journal}/marks/",
                                          json=body)  # fmt: skip
            if response is None:
                continue
            if response.status_code == 200:
                with self.figures.lock:
                    self.figures.saved[(lesson, student)] = grade
            elif response.status_code == 409 and attempt == 2:
                # The first attempt was saved on the killed node, its answer lost: the retry found the new version.
                with self.figures.lock:
                    self.figures.answer_lost += 1
                    self.figures.saved[(lesson, student)] = grade
            else:
                self.figures.failures.append(f"teacher save {journal}: {response.status_code} {response.text[:200]}")

    def visitor(self) -> None:
        session = self.requests.Session()
        paths = ["/ky/", "/ru/", "/api/v2/pages/?limit=5", "/ky/info/"]
        turn = 0
        while not self.stop.is_set():
            path = paths[turn % len(paths)]
            turn += 1
            response, _attempt = self.send("public", session, "GET", path)
            if response is not None and response.status_code not in (200, 301, 302):
                self.figures.failures.append(f"public {path}: {response.status_code}")
            time.sleep(0.05)

    def threads(self) -> list[threading.Thread]:
        threads = [threading.Thread(target=self.family, args=(i, f)) for i, f in enumerate(self.people["families"])]
        threads += [threading.Thread(target=self.teacher, args=(t,)) for t in self.people["teachers"]]
        threads.append(threading.Thread(target=self.visitor))
        return threads


def celery_control(topology: Topology, command: str, queue: str, worker: str) -> str:
    """Celery's remote control, e.g. a worker starting or stopping to serve a queue."""
    control = [PYTHON, "-m", "celery", "-A", "celery_app", "control", command, queue, "-d", f"{worker}@topology",
               "--timeout", "5"]  # fmt: skip
    answer = subprocess.run(control, cwd=BASE_DIR, env=topology.env, capture_output=True, text=True, timeout=60)
    return answer.stdout


def published_everywhere(topology: Topology, path: str, title: str, nodes: list[str]) -> bool:
    return all(title in node_get(topology.web_ports[node], path).text for node in nodes)


def test_topology() -> None:
    topology = Topology()
    started = time.monotonic()
    signal.signal(signal.SIGTERM, lambda signum, frame: (_ for _ in ()).throw(SystemExit("stopped")))
    try:
        timings = topology.start_all()
        # A second beat finds the schedule taken and waits (celery_app.py): one beat schedules, whatever is started.
        topology.spawn("beat2", "beat", CELERY_BEAT_SCHEDULE=str(topology.tmp / "beat2-schedule"), LOG_LEVEL="INFO")

        def one_beat_schedules() -> bool:
            logs = [(topology.logs / f"{name}.log").read_text() for name in ("beat", "beat2")]
            taken = [log for log in logs if "beat lock: taken" in log]
            waiting = [log for log in logs if "waiting to take over" in log and "beat lock: taken" not in log]
            return len(taken) == 1 and len(waiting) == 1

        wait_until(one_beat_schedules, 90, "one beat scheduling and the other waiting on the lock")
        people = topology.people("people")
        say(f"Mixed load for {LOAD_SECONDS}s through {topology.address}: {len(people['families'])} families, "
            f"{len(people['teachers'])} teachers, anonymous visitors; the sweep queues the due reports")  # fmt: skip
        # Two nodes answer one publish alike: the page cache is shared and keyed by the publish version.
        path = topology.people("publish", "Mektep topology: before")
        wait_until(lambda: published_everywhere(topology, path, "Mektep topology: before", ["web1", "web2"]), 20,
                   "the first publish shown by both nodes")  # fmt: skip
        # Until worker1 is killed, only it serves the reports queue, so that the run it dies in is known.
        wait_until(lambda: "no longer consuming" in celery_control(topology, "cancel_consumer", "reports", "worker2"),
                   90, "worker2 leaving the reports queue to worker1")  # fmt: skip
        load = Load(topology, people)
        threads = load.threads()
        for thread in threads:
            thread.start()
        killed_at: list[float] = []

        def kill_worker_mid_report() -> None:
            # The sweep queues the due reports; worker1 dies while it builds one; worker2 then serves the reports
            # queue too, gets the dead worker's task again from Redis and takes the abandoned run over.
            subprocess.run([PYTHON, "-m", "celery", "-A", "celery_app", "call", "diary.tasks.sweep"], cwd=BASE_DIR,
                           env=topology.env, check=True, stdout=subprocess.DEVNULL)  # fmt: skip
            running = "SELECT count(*) FROM diary_reportrun WHERE status = 'running'"
            try:
                wait_until(lambda: topology.sql(topology.pg_port, running)[0][0], 90, "worker1 building a report",
                           interval=0.1)  # fmt: skip
            except SystemExit as error:
                sys.stdout.write(f"{error}\n")
                return
            topology.kill("worker1")
            killed_at.append(time.monotonic())
            celery_control(topology, "add_consumer", "reports", "worker2")

        worker_killer = threading.Thread(target=kill_worker_mid_report)
        lag_samples: list[tuple[int, float]] = []
        events, figures = {}, {}
        load_started = time.monotonic()
        replica_stopped = False
        while (elapsed := time.monotonic() - load_started) < LOAD_SECONDS:
            if elapsed >= KILL_WEB_AT and "web2 killed" not in events:
                topology.kill("web2")
                events["web2 killed"] = elapsed
            if elapsed >= KILL_WORKER_AT and "worker1 killed" not in events and not worker_killer.is_alive():
                worker_killer.start()
            if "worker1 killed" not in events and killed_at:
                events["worker1 killed"] = killed_at[0] - load_started
            if elapsed >= STOP_REPLICA_AT and "replica stopped" not in events:
                topology.standby_stop()
                replica_stopped = True
                events["replica stopped"] = elapsed
            if elapsed >= START_REPLICA_AT and "replica started" not in events:
                topology.standby_start()
                replica_stopped = False
                restarted = time.monotonic()
                wait_until(topology.caught_up, 60, "the replica caught up after its restart", interval=0.1)
                figures["replica catch-up after restart (s)"] = round(time.monotonic() - restarted, 2)
                events["replica started"] = elapsed
            if elapsed >= PUBLISH_AT and "published" not in events:
                after = topology.people("publish", "Mektep topology: after")
                published = time.monotonic()
                shown = lambda after=after: published_everywhere(topology, after, "Mektep topology: after", ["web1"])  # noqa: E731
                wait_until(shown, 20, "the second publish shown by the surviving node")
                figures["publish visible on the surviving node (s)"] = round(time.monotonic() - published, 2)
                events["published"] = elapsed
            if not replica_stopped:
                with contextlib.suppress(Exception):
                    lag_samples.append(topology.replication_lag())
            time.sleep(0.5)
        load.stop.set()
        worker_killer.join(timeout=90)
        assert killed_at, "worker1 was not killed"
        for thread in threads:
            thread.join(timeout=60)

        say("Checks")
        # Sessions and tokens still work on the surviving node.
        family = people["families"][0]
        week = f"/ky/diary/students/{family['student']}/week/?week=2026-W45"
        assert node_get(topology.web_ports["web1"], week, Cookie=family["cookie"]).status_code == 200
        api = f"/api/diary/v1/students/{family['student']}/diary/?week=2026-W45"
        assert node_get(topology.web_ports["web1"], api, Authorization=f"Bearer {family['token']}").status_code == 200

        # No accepted write is lost: each save answered 200 is on the primary, and reaches the replica.
        saved = load.figures.saved
        caught = time.monotonic()
        wait_until(topology.caught_up, 60, "the replica caught up after the load", interval=0.1)
        figures["replica catch-up after the load (s)"] = round(time.monotonic() - caught, 2)
        query = "SELECT lesson_id, student_id, grade_1 FROM diary_mark WHERE (lesson_id, student_id) IN (%s)"
        keys = ", ".join(f"({lesson}, {student})" for lesson, student in saved) or "(0, 0)"
        for label, port in (("primary", topology.pg_port), ("replica", topology.standby_port)):
            rows = {(lesson, student): grade for lesson, student, grade in topology.sql(port, query % keys)}
            lost = {key: grade for key, grade in saved.items() if rows.get(key) != grade}
            assert not lost, f"{len(lost)} accepted saves missing on the {label}: {list(lost.items())[:5]}"

        # Each due report is built exactly once, the killed worker's included.
        reports = wait_until(
            lambda: (r := topology.people("reports"))["runs"] and r["done"] == r["runs"] and r, 240,
            "every due report built (after the killed worker's run was taken over)", interval=2,
        )  # fmt: skip
        assert reports["duplicate_keys"] == 0, reports
        assert reports["taken_over"] >= 1, reports
        figures["reports built after the sweep (s)"] = round(time.monotonic() - load_started, 1)
        figures["killed worker's report done after the kill, at most (s)"] = round(time.monotonic() - killed_at[0], 1)

        # A killed node comes back: from start to ready behind the balancer.
        figures["web2 restart to ready (s)"] = round(topology.web_start("web2"), 2)

        failures = load.figures.failures
        figures.update({
            "requests": sum(load.figures.requests.values()),
            **{f"requests: {kind}": count for kind, count in sorted(load.figures.requests.items())},
            "in-flight requests retried by the client": load.figures.retried,
            "failures after the retry": len(failures),
            "saves accepted (200)": len(saved) - load.figures.answer_lost,
            "saves whose answer was lost with the node (saved, found on retry)": load.figures.answer_lost,
            "replication lag max (bytes)": max((b for b, _s in lag_samples), default=0),
            "replication replay lag max (s)": round(max((s for _b, s in lag_samples), default=0.0), 3),
            "reports built": reports["done"],
            "report runs taken over from the killed worker": reports["taken_over"],
            "setup (s)": round(timings["setup_s"], 1),
            "web1 start to ready (s)": round(timings["web1_ready_s"], 2),
            "total (s)": round(time.monotonic() - started, 1),
        })  # fmt: skip
        say("Topology figures")
        width = max(len(name) for name in figures)
        for name, value in figures.items():
            sys.stdout.write(f"{name:<{width}}  {value}\n")
        sys.stdout.write("events (s into the load): " + ", ".join(f"{k} {v:.1f}" for k, v in events.items()) + "\n")
        assert not failures, f"{len(failures)} requests failed: {failures[:10]}"
        say("Topology passed: nothing accepted was lost, nothing failed but the retried in-flight requests")
    except BaseException:
        sys.stdout.write(f"Logs kept in {topology.logs}\n")
        for log in sorted(topology.logs.glob("*.log")):
            tail = log.read_text(errors="replace").splitlines()[-15:]
            sys.stdout.write(f"--- {log.name}\n" + "\n".join(tail) + "\n")
        raise
    finally:
        topology.stop()


def serve() -> None:
    topology = Topology()
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        topology.start_all()
        sys.stdout.write(
            f"\nMektep's production topology is running at {topology.address}/ky/ (self-signed certificate)\n"
            f"  web nodes: " + ", ".join(f"{n} 127.0.0.1:{p}" for n, p in topology.web_ports.items()) + "\n"
            f"  PostgreSQL primary 127.0.0.1:{topology.pg_port}, hot standby 127.0.0.1:{topology.standby_port}, "
            f"Redis 127.0.0.1:{topology.redis_port}\n  logs: {topology.logs}\nPress Ctrl-C to stop everything.\n"
        )
        sys.stdout.flush()
        while True:
            for name, process in topology.processes.items():
                if process.poll() is not None:
                    raise SystemExit(f"{name} stopped with code {process.returncode}")
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        topology.stop()


if __name__ == "__main__":
    {"serve": serve, "test": test_topology}[sys.argv[1] if len(sys.argv) > 1 else "serve"]()
