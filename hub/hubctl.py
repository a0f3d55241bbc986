"""Start and stop the course's JupyterHub on one Linux machine: `python3 hub/hubctl.py up|down|status`.

`up` (as root) installs what the hub needs, makes the Unix accounts, the nbgrader exchange and the
instructor's course, releases the student versions, starts the hub in the background and prints the
address and the accounts. `down` stops what `up` started and removes what it created, as listed in its
manifest, and nothing else. Both are harmless when repeated. Standard library only: it runs before the
hub's Python environment exists.

Settings come from the environment: HUB_STUDENTS (comma-separated, default student1,student2,student3),
HUB_INSTRUCTOR (default instructor), HUB_PASSWORD (default printed), HUB_PORT (default 8000),
HUB_PREFIX (default /opt/nn-course-hub), HUB_PURGE=1 (down also removes the installed software).
"""

import contextlib
import json
import os
import platform
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HUB_DIR = REPO / "hub"
COURSE_ID = "intro-neural-networks"
DEFAULT_PASSWORD = "learn-neural-nets"
DEBIAN_PACKAGES = ["nodejs", "npm"]
USER_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,30}$")
# What the instructor's course folder holds: the grading tool and the course's sources stay there, out
# of every student's reach (the instructor's home is private).
COURSE_ITEMS = ["nbgrader_config.py", "source", "release", "data", "autograder"]
ROLE_FILES = HUB_DIR / "roles"


class HubError(Exception):
    """A problem the person running the command can fix; the message says how."""


def settings():
    students = [s.strip() for s in os.environ.get("HUB_STUDENTS", "student1,student2,student3").split(",") if s.strip()]
    instructor = os.environ.get("HUB_INSTRUCTOR", "instructor").strip()
    port = int(os.environ.get("HUB_PORT", "8000"))
    prefix = Path(os.environ.get("HUB_PREFIX", "/opt/nn-course-hub"))
    for name in [instructor, *students]:
        if not USER_NAME.match(name):
            raise HubError(f"{name!r} is not a usable account name: lower-case letters, digits, '-' and '_', starting with a letter.")
    if instructor in students or len(set(students)) != len(students):
        raise HubError("HUB_STUDENTS and HUB_INSTRUCTOR must name different accounts.")
    return {
        "students": students, "instructor": instructor, "port": port, "prefix": str(prefix),
        "password": os.environ.get("HUB_PASSWORD") or DEFAULT_PASSWORD,
        "password_is_default": not os.environ.get("HUB_PASSWORD"),
    }


class Layout:
    """Where everything lives under the prefix."""

    def __init__(self, prefix):
        self.prefix = Path(prefix)
        self.env = self.prefix / "env"
        self.proxy = self.prefix / "proxy"
        self.state = self.prefix / "state"
        self.exchange = self.prefix / "exchange"
        self.shared = self.prefix / "course"  # read-only lessons and data every account gets a copy of
        self.roles = self.prefix / "roles"
        self.manifest = self.state / "manifest.json"
        self.pid_file = self.state / "jupyterhub.pid"
        self.log = self.state / "jupyterhub.log"

    @property
    def python(self):
        return self.env / "bin" / "python"

    @property
    def proxy_command(self):
        return self.proxy / "node_modules" / ".bin" / "configurable-http-proxy"


def run(cmd, **kwargs):
    kwargs.setdefault("check", True)
    return subprocess.run([str(c) for c in cmd], **kwargs)


def as_user(user, cmd, cwd, env=None):
    """Run ``cmd`` as ``user`` (runuser: sudo is not installed everywhere) with the hub's environment."""
    home = pwd.getpwnam(user).pw_dir
    environment = {"HOME": home, "USER": user, "LANG": "C.UTF-8", "JUPYTER_PREFER_ENV_PATH": "0",
                   "PATH": "/usr/bin:/bin"}
    environment.update(env or {})
    return run(["runuser", "-u", user, "--", "env", *[f"{k}={v}" for k, v in environment.items()], *cmd],
               cwd=cwd, capture_output=True, text=True)


def read_manifest(layout):
    if layout.manifest.is_file():
        return json.loads(layout.manifest.read_text())
    return {"users": [], "folders": [], "installed": []}


def write_manifest(layout, manifest):
    layout.state.mkdir(parents=True, exist_ok=True)
    layout.manifest.write_text(json.dumps(manifest, indent=1))


def hub_pid(layout):
    """The pid of the running hub this tool started, or None."""
    try:
        pid = int(layout.pid_file.read_text())
    except (OSError, ValueError):
        return None
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    return pid if b"jupyterhub" in cmdline else None


# ---- installing ---------------------------------------------------------------------------------------

def install_debian_packages(manifest):
    missing = [p for p in DEBIAN_PACKAGES if shutil.which({"nodejs": "node"}.get(p, p)) is None]
    if not missing:
        return
    print(f"installing Debian packages: {', '.join(missing)}")
    run(["apt-get", "update", "-qq"])
    run(["apt-get", "install", "-y", "-qq", *missing], env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    manifest["installed"] += [f"debian:{p}" for p in missing]


def install_python_env(layout):
    """One environment for the hub and every user, from requirements.lock, under a world-readable prefix,
    built on the system's Python (the repository's .venv may link into a private home)."""
    stamp = layout.env / ".installed-lock"
    lock = (REPO / "requirements.lock").read_text()
    if stamp.is_file() and stamp.read_text() == lock:
        return
    base = shutil.which("python3", path="/usr/bin:/usr/local/bin") or sys.executable
    uv = Path(sys.executable).parent / "uv"
    uv = str(uv) if uv.exists() else shutil.which("uv")
    print(f"building the hub's Python environment in {layout.env} from requirements.lock (about a minute)")
    if uv:
        run([uv, "venv", "--quiet", "--allow-existing", "--python", base, layout.env])
        run([uv, "pip", "install", "--quiet", "--python", layout.python, "--require-hashes", "-r", REPO / "requirements.lock"])
        run([uv, "pip", "install", "--quiet", "--python", layout.python, "--no-deps", REPO])
    else:
        run([base, "-m", "venv", layout.env])
        run([layout.python, "-m", "pip", "install", "--quiet", "--require-hashes", "-r", REPO / "requirements.lock"])
        run([layout.python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", REPO])
    run(["chmod", "-R", "a+rX", layout.env])
    stamp.write_text(lock)


def install_proxy(layout):
    """configurable-http-proxy at the version of hub/package-lock.json."""
    lock = (HUB_DIR / "package-lock.json").read_text()
    stamp = layout.proxy / ".installed-lock"
    if stamp.is_file() and stamp.read_text() == lock and layout.proxy_command.exists():
        return
    layout.proxy.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copy2(HUB_DIR / name, layout.proxy / name)
    print("installing configurable-http-proxy from hub/package-lock.json")
    run(["npm", "ci", "--omit=dev", "--no-audit", "--no-fund", "--loglevel=error"], cwd=layout.proxy)
    stamp.write_text(lock)


def instructor_nbgrader_config(course_root):
    """Formgrader's settings: the instructor's course folder, and the gradebook the grading tool uses,
    read from the course's own nbgrader_config.py when the server starts (a database server's URL,
    or else the gradebook.db in the course folder)."""
    default = "sqlite:///" + str(course_root / "gradebook.db")
    return (
        "# Written by hub/hubctl.py: formgrader works on the instructor's course folder and its gradebook.\n"
        "from traitlets.config.loader import PyFileConfigLoader as _Loader\n"
        "c = get_config()  # noqa: F821\n"
        f"c.CourseDirectory.root = {str(course_root)!r}\n"
        "try:\n"
        "    _course = _Loader('nbgrader_config.py', path=c.CourseDirectory.root).load_config().CourseDirectory\n"
        "except Exception:  # no course folder yet: nbgrader's default place\n"
        "    _course = {}\n"
        f"c.CourseDirectory.db_url = _course.get('db_url') or {default!r}\n")


def configure(layout, conf):
    """The nbgrader exchange and course id for everyone; what each role gets; quiet JupyterLab."""
    etc = layout.env / "etc" / "jupyter"
    etc.mkdir(parents=True, exist_ok=True)
    (etc / "nbgrader_config.py").write_text(
        "# Written by hub/hubctl.py: the exchange and course every account on the hub shares.\n"
        "c = get_config()  # noqa: F821\n"
        f"c.Exchange.root = {str(layout.exchange)!r}\n"
        f"c.CourseDirectory.course_id = {COURSE_ID!r}\n")
    settings_dir = layout.env / "share" / "jupyter" / "lab" / "settings"
    settings_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy2(ROLE_FILES / "overrides.json", settings_dir / "overrides.json")
    if layout.roles.exists():
        shutil.rmtree(layout.roles)
    shutil.copytree(ROLE_FILES, layout.roles, ignore=shutil.ignore_patterns("overrides.json"))
    course_root = Path(pwd.getpwnam(conf["instructor"]).pw_dir) / COURSE_ID
    (layout.roles / "instructor" / "nbgrader_config.py").write_text(instructor_nbgrader_config(course_root))
    run(["chmod", "-R", "a+rX", layout.roles, etc, settings_dir])
    (layout.state / "settings.json").write_text(json.dumps({
        "port": conf["port"], "students": conf["students"], "instructor": conf["instructor"],
        "env": str(layout.env), "proxy_command": str(layout.proxy_command), "roles": str(layout.roles),
        "shared": str(layout.shared), "state": str(layout.state)}, indent=1))


# ---- accounts and the course ------------------------------------------------------------------------------

def account_exists(name):
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def refuse_foreign_account(name, manifest):
    if account_exists(name) and name not in manifest["users"]:
        raise HubError(f"An account named {name!r} already exists and was not made by hub-up; it is left alone. "
                       "Choose other names with HUB_STUDENTS / HUB_INSTRUCTOR, or remove that account yourself.")


def make_account(name, password, manifest):
    refuse_foreign_account(name, manifest)
    if not account_exists(name):
        run(["useradd", "--create-home", "--shell", "/bin/bash", "--user-group", name])
        manifest["users"].append(name)
    home = Path(pwd.getpwnam(name).pw_dir)
    home.chmod(0o700)  # nobody reads another's work
    run(["chpasswd"], input=f"{name}:{password}\n", text=True)
    return home


def give_lessons(layout, home, user):
    """A fresh copy of the lessons and data for each account (runnable, theirs to change)."""
    target = home / "lessons"
    if target.exists():
        return
    target.mkdir()
    shutil.copytree(layout.shared / "notebooks", target / "notebooks")
    shutil.copytree(layout.shared / "data", target / "data")
    run(["chown", "-R", f"{user}:{user}", target])


def prepare_shared_course(layout):
    if layout.shared.exists():
        shutil.rmtree(layout.shared)
    layout.shared.mkdir(parents=True)
    shutil.copytree(REPO / "notebooks", layout.shared / "notebooks")
    shutil.copytree(REPO / "data", layout.shared / "data")
    run(["chmod", "-R", "a+rX,go-w", layout.shared])


def prepare_exchange(layout):
    layout.exchange.mkdir(parents=True, exist_ok=True)
    layout.exchange.chmod(0o1777)  # nbgrader's layout: each course folder sets its own modes below


def prepare_instructor_course(layout, conf, home):
    """The instructor's course folder: sources, proven releases, the grading tool, a gradebook with the
    roster; then every assignment is released to the exchange."""
    course = home / COURSE_ID
    user = conf["instructor"]
    if not course.exists():
        course.mkdir()
        for item in COURSE_ITEMS:
            src = REPO / item
            if src.is_dir():
                shutil.copytree(src, course / item, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy2(src, course / item)
        run(["chown", "-R", f"{user}:{user}", course])
    # A copy the instructor can read: the repository itself may sit in a private home.
    script = shutil.copy2(HUB_DIR / "instructor_setup.py", layout.roles / "instructor" / "instructor_setup.py")
    done = as_user(user, [layout.python, script, *conf["students"]], cwd=course,
                   env={"PATH": f"{layout.env}/bin:/usr/bin:/bin"})
    if done.returncode:
        raise HubError(f"Setting up the instructor's course failed:\n{done.stderr[-3000:]}")


# ---- the hub process ----------------------------------------------------------------------------------

def wait_for_hub(port, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/hub/api/", timeout=2) as reply:
                if reply.status == 200:
                    return True
        except OSError:
            time.sleep(0.5)
    return False


def port_free(port):
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def start_hub(layout, conf):
    for port in (conf["port"], conf["port"] + 1, conf["port"] + 2):
        if not port_free(port):
            raise HubError(f"Port {port} on 127.0.0.1 is in use: choose another base port with HUB_PORT "
                           f"(the hub uses HUB_PORT, HUB_PORT+1 and HUB_PORT+2).")
    token_file = layout.state / "proxy-token"
    if not token_file.exists():
        token_file.write_text(secrets.token_hex(32))
        token_file.chmod(0o600)
    env = {"PATH": f"{layout.env}/bin:/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8",
           "HUB_SETTINGS": str(layout.state / "settings.json"), "CONFIGPROXY_AUTH_TOKEN": token_file.read_text()}
    log = open(layout.log, "ab")  # noqa: SIM115 (the hub's own output, kept open by the child)
    process = subprocess.Popen([layout.env / "bin" / "jupyterhub", "-f", HUB_DIR / "jupyterhub_config.py"],
                               cwd=layout.state, env=env, stdout=log, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL, start_new_session=True)
    layout.pid_file.write_text(str(process.pid))
    if not wait_for_hub(conf["port"]):
        tail = layout.log.read_text(errors="replace")[-3000:]
        raise HubError(f"The hub did not answer on 127.0.0.1:{conf['port']} within 60 s. Its log ({layout.log}) ends:\n{tail}")


def up():
    conf = settings()
    layout = Layout(conf["prefix"])
    manifest = read_manifest(layout)
    if hub_pid(layout):
        print(f"The hub is already running at http://127.0.0.1:{manifest.get('port', conf['port'])}/ (make hub-down stops it).")
        return 0
    for name in [conf["instructor"], *conf["students"]]:
        refuse_foreign_account(name, manifest)
    layout.state.mkdir(parents=True, exist_ok=True)
    if not manifest.get("prefix"):
        manifest["prefix"] = str(layout.prefix)
        manifest["prefix_existed"] = any(p for p in layout.prefix.iterdir() if p.name != "state")
    manifest["port"] = conf["port"]
    write_manifest(layout, manifest)
    install_debian_packages(manifest)
    write_manifest(layout, manifest)
    install_python_env(layout)
    install_proxy(layout)
    prepare_shared_course(layout)
    prepare_exchange(layout)
    homes = {}
    for name in [conf["instructor"], *conf["students"]]:
        homes[name] = make_account(name, conf["password"], manifest)
        write_manifest(layout, manifest)
    for student in conf["students"]:
        give_lessons(layout, homes[student], student)
    configure(layout, conf)
    prepare_instructor_course(layout, conf, homes[conf["instructor"]])
    start_hub(layout, conf)
    write_manifest(layout, manifest)
    print(f"The course's JupyterHub is up at http://127.0.0.1:{conf['port']}/")
    print(f"  instructor: {conf['instructor']}   students: {', '.join(conf['students'])}")
    note = " (the default; set HUB_PASSWORD to choose another)" if conf["password_is_default"] else " (from HUB_PASSWORD)"
    print(f"  password for every account: {conf['password']}{note}")
    print(f"  log: {layout.log}; stop it and remove the accounts with: make hub-down")
    return 0


# ---- stopping and cleaning ---------------------------------------------------------------------------------

def processes_of(uid):
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def stop_pid(pid, timeout=15):
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        if Path(f"/proc/{pid}/stat").is_file() and Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z":
            return
        time.sleep(0.2)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def down():
    layout = Layout(os.environ.get("HUB_PREFIX", "/opt/nn-course-hub"))
    if not layout.manifest.is_file():
        print(f"No hub was started by hub-up under {layout.prefix}: nothing to stop or remove.")
        return 0
    manifest = read_manifest(layout)
    pid = hub_pid(layout)
    if pid:
        stop_pid(pid)  # the hub stops the proxy and every user's server on its way out
    proxy_pid_file = layout.state / "jupyterhub-proxy.pid"
    if proxy_pid_file.is_file():
        try:
            proxy_pid = int(proxy_pid_file.read_text())
            if b"configurable-http-proxy" in Path(f"/proc/{proxy_pid}/cmdline").read_bytes():
                stop_pid(proxy_pid)
        except (OSError, ValueError):
            pass
    for name in manifest["users"]:
        try:
            uid = pwd.getpwnam(name).pw_uid
        except KeyError:
            continue
        for user_pid in processes_of(uid):
            stop_pid(user_pid, timeout=5)
        run(["userdel", "--remove", name], check=False, capture_output=True)
    purge = os.environ.get("HUB_PURGE") == "1"
    made = [layout.exchange, layout.shared, layout.roles, layout.state] + ([layout.env, layout.proxy] if purge else [])
    for folder in made:
        shutil.rmtree(folder, ignore_errors=True)
    if purge and not manifest.get("prefix_existed") and layout.prefix.is_dir() and not any(layout.prefix.iterdir()):
        layout.prefix.rmdir()
    kept = "" if purge else f" (the installed software in {layout.env} and {layout.proxy} is kept; HUB_PURGE=1 removes it)"
    print(f"The hub is stopped; removed the accounts {', '.join(manifest['users']) or '(none)'} and the hub's folders{kept}.")
    return 0


def status():
    layout = Layout(os.environ.get("HUB_PREFIX", "/opt/nn-course-hub"))
    pid = hub_pid(layout)
    manifest = read_manifest(layout)
    print(f"running at http://127.0.0.1:{manifest.get('port')}/ (pid {pid})" if pid else "not running")
    return 0 if pid else 1


def main(argv):
    if len(argv) != 1 or argv[0] not in {"up", "down", "status"}:
        print("usage: hubctl.py up|down|status", file=sys.stderr)
        return 2
    if platform.system() != "Linux" or os.geteuid() != 0:
        print("The course's hub runs on Linux as root (it makes Unix accounts for the students): "
              f"this is {platform.system()} as uid {os.geteuid()}, so nothing was done.")
        return 0 if argv[0] != "up" else 1
    try:
        return {"up": up, "down": down, "status": status}[argv[0]]()
    except HubError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
