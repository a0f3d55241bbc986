"""JupyterHub configuration of the course (read by the hub that hub/hubctl.py starts).

Authentication: PAM, i.e. the machine's own Unix accounts and passwords. Every student must be a real
Unix user anyway (nbgrader takes a submission's author from the process's uid, and home folders keep
students apart), so PAM adds no second list of users to keep in step. hub/README.md explains how a real
course swaps this for OAuth.
"""

import json
import os

c = get_config()  # noqa: F821 (JupyterHub provides get_config when it loads this file)

with open(os.environ["HUB_SETTINGS"]) as settings_file:
    SETTINGS = json.load(settings_file)
PORT = SETTINGS["port"]
ENV = SETTINGS["env"]
STATE = SETTINGS["state"]
INSTRUCTOR = SETTINGS["instructor"]

# Local only: the hub, its API and the proxy's API on three consecutive ports of 127.0.0.1.
c.JupyterHub.bind_url = f"http://127.0.0.1:{PORT}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = PORT + 1
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{PORT + 2}"
c.ConfigurableHTTPProxy.command = [SETTINGS["proxy_command"]]
c.ConfigurableHTTPProxy.pid_file = os.path.join(STATE, "jupyterhub-proxy.pid")
c.JupyterHub.db_url = "sqlite:///" + os.path.join(STATE, "jupyterhub.sqlite")
c.JupyterHub.cookie_secret_file = os.path.join(STATE, "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = os.path.join(STATE, "jupyterhub.pid")
# Stopping the hub stops the proxy and every user's server: nothing outlives `make hub-down`.
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True

c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.open_sessions = False  # no login sessions (utmp, systemd) for a notebook server
c.Authenticator.allowed_users = {INSTRUCTOR, *SETTINGS["students"]}

# Each user's server runs as that Unix user (the default LocalProcessSpawner), from the shared environment.
c.Spawner.cmd = [os.path.join(ENV, "bin", "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.start_timeout = 90
c.Spawner.http_timeout = 90


def role_environment(spawner):
    """Students get the Assignments tab and validation; the instructor also formgrader, create-assignment
    and the course list. Each role's settings live in a shared read-only folder on JUPYTER_CONFIG_PATH,
    read before the environment's own (JUPYTER_PREFER_ENV_PATH=0); the user's own ~/.jupyter stays
    JUPYTER_CONFIG_DIR, since Jupyter writes there. Hiding a tool is not the protection: a student who
    re-enables formgrader in ~/.jupyter gets an empty one, as Unix permissions keep the course private."""
    name = spawner.user.name
    role = "instructor" if name == INSTRUCTOR else "student"
    spawner.environment.update({
        "JUPYTER_CONFIG_PATH": os.path.join(SETTINGS["roles"], role),
        "JUPYTER_PREFER_ENV_PATH": "0",
        # The environment's bin/ first: nbgrader runs `alembic`; the instructor runs `python -m autograder`.
        "PATH": f"{ENV}/bin:/usr/local/bin:/usr/bin:/bin",
        "NNHELPERS_DATA_DIR": os.path.join(SETTINGS["shared"], "data"),
        "NNHELPERS_PROGRESS": "off",
    })


c.Spawner.pre_spawn_hook = role_environment
