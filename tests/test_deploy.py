"""deploy/: what ships starts every process through one entrypoint, and its configuration files are valid."""

import re
import shutil
import subprocess
from pathlib import Path

import yaml

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"


def test_compose_runs_web_worker_beat_postgresql_redis_and_nginx_with_health_checks():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) == {"web", "worker", "beat", "db", "redis", "nginx"}
    for name in ("web", "worker", "db", "redis", "nginx"):
        assert services[name]["healthcheck"]["test"], name
    for role in ("web", "worker", "beat"):
        assert services[role]["command"] == [role]
    assert set(compose["volumes"]) == {"postgres-data", "redis-data", "mektep-data"}


def test_every_process_starts_through_the_one_entrypoint():
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert 'ENTRYPOINT ["/app/deploy/entrypoint.sh"]' in dockerfile
    lines = (DEPLOY / "Procfile").read_text().splitlines()
    procfile = dict(line.split(": ", 1) for line in lines if line and not line.startswith("#"))
    assert procfile == {role: f"deploy/entrypoint.sh {role}" for role in ("web", "worker", "beat")}
    for unit, role in (
        ("mektep-web.service", "web"),
        ("mektep-worker@.service", "worker"),
        ("mektep-beat.service", "beat"),
    ):
        assert f"ExecStart=/srv/mektep/app/deploy/entrypoint.sh {role}\n" in (DEPLOY / "systemd" / unit).read_text()


def test_the_image_runs_as_a_user_without_build_tools_and_checks_its_health():
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    final_stage = dockerfile.rsplit("\nFROM ", 1)[1]
    assert re.search(r"^USER 10001$", final_stage, re.MULTILINE)
    assert "HEALTHCHECK" in final_stage
    assert "gettext" not in final_stage
    assert "build-essential" not in dockerfile


def test_the_entrypoint_is_valid_shell_and_refuses_an_unknown_role():
    assert subprocess.run(["sh", "-n", str(DEPLOY / "entrypoint.sh")], check=False).returncode == 0
    result = subprocess.run([str(DEPLOY / "entrypoint.sh"), "dance"], capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert "unknown role 'dance'" in result.stderr


def test_the_nginx_site_is_accepted_by_nginx(tmp_path):
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=school.example.kg",
         "-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    site = (DEPLOY / "nginx" / "mektep.conf").read_text()
    site = site.replace("/etc/letsencrypt/live/school.example.kg/fullchain.pem", str(tmp_path / "cert.pem"))
    site = site.replace("/etc/letsencrypt/live/school.example.kg/privkey.pem", str(tmp_path / "key.pem"))
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid; error_log stderr;\nevents {{}}\n"
        f"http {{ access_log off; client_body_temp_path {tmp_path}; proxy_temp_path {tmp_path};\n"
        f"fastcgi_temp_path {tmp_path}; uwsgi_temp_path {tmp_path}; scgi_temp_path {tmp_path};\n"
        f"include {tmp_path}/site.conf; }}\n"
    )
    result = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
