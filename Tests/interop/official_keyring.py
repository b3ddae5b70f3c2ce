"""A keyring backend kept in a JSON file, for the official flyte CLI's subprocesses.

It stands in for the desktop keyring in which the official CLI caches a login: with a token
cached there, the CLI sends `authorization: Bearer <token>` on every call (without one, it
sends no Authorization until a server answers UNAUTHENTICATED). Selected with
PYTHON_KEYRING_BACKEND=official_keyring.FileKeyring and OFFICIAL_KEYRING_FILE=path.
"""
import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend


class FileKeyring(KeyringBackend):
    priority = 1

    @property
    def _path(self) -> Path:
        return Path(os.environ["OFFICIAL_KEYRING_FILE"])

    def _load(self) -> dict:
        return json.loads(self._path.read_text()) if self._path.exists() else {}

    def get_password(self, service, username):
        return self._load().get(service, {}).get(username)

    def set_password(self, service, username, password):
        data = self._load()
        data.setdefault(service, {})[username] = password
        self._path.write_text(json.dumps(data))

    def delete_password(self, service, username):
        data = self._load()
        data.get(service, {}).pop(username, None)
        self._path.write_text(json.dumps(data))

