r"""Where passwords come from: the environment, the system keyring, or a prompt. Never argv.

:class:`CredentialResolver` looks, in this order, at:

1. the environment variable the inventory names for the account (``password_env``),
   then the general one (``VMIC_PASSWORD`` for hosts, ``VMIC_GUEST_PASSWORD`` for
   guests);
2. the system keyring, when the optional ``keyring`` package is installed: service
   ``vmic``, user ``<account>@<host>`` first, then ``<account>``;
3. a prompt, when one is given (the CLI prompts only on a terminal).

Nothing found means no password: the executor then uses what needs none (a Kerberos
ticket, SSH keys or an agent). A password is held as a
:class:`~vmic.executors.Secret`, so it never shows in a repr, a log or an error.

>>> resolver = CredentialResolver(environ={"VMIC_PASSWORD": "s3cret"}, use_keyring=False)
>>> resolver.credential("CONTOSO\\audit", target="hv01")
Credential(username='CONTOSO\\audit', password=Secret('***'))
"""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING, Final

from vmic._third_party import quiet_import
from vmic.errors import ConfigurationError, UnsafeValueError
from vmic.executors._checks import check_text
from vmic.executors._command import Credential, Secret

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

__all__ = ["GUEST_PASSWORD_ENV", "HOST_PASSWORD_ENV", "KEYRING_SERVICE", "CredentialResolver"]

HOST_PASSWORD_ENV: Final = "VMIC_PASSWORD"  # noqa: S105 - a variable name, not a password
GUEST_PASSWORD_ENV: Final = "VMIC_GUEST_PASSWORD"  # noqa: S105 - likewise
KEYRING_SERVICE: Final = "vmic"


class CredentialResolver:
    """Finds the password of an account, once per account, from safe places only.

    Args:
        environ: The environment to read (default: ``os.environ``).
        use_keyring: Ask the system keyring when the ``keyring`` package is installed.
        prompt: Asks a person for a password, given a prompt text (``getpass.getpass``);
            None never asks.
        keyring_service: The keyring service name.
    """

    def __init__(
        self,
        *,
        environ: Mapping[str, str] | None = None,
        use_keyring: bool = True,
        prompt: Callable[[str], str] | None = None,
        keyring_service: str = KEYRING_SERVICE,
    ) -> None:
        self._environ = os.environ if environ is None else environ
        self._use_keyring = use_keyring
        self._prompt = prompt
        self._service = keyring_service
        self._cache: dict[tuple[str, str | None, str], Secret | None] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return (
            f"CredentialResolver(use_keyring={self._use_keyring}, "
            f"prompt={'yes' if self._prompt else 'no'})"
        )

    def credential(
        self,
        username: str | None,
        *,
        target: str,
        env_var: str | None = None,
        default_env: str = HOST_PASSWORD_ENV,
        prompt: bool = True,
    ) -> Credential | None:
        """The credential for *username* on *target*, or None when there is no password.

        Args:
            username: The account; None means "use what needs no password".
            target: The host (or guest) the account is for, used for the keyring and prompt.
            env_var: An environment variable named for this account.
            default_env: The general environment variable to fall back on.
            prompt: Whether a person may be asked (when the resolver has a prompt).
        """
        if not username:
            return None
        password = self.password(
            username, target=target, env_var=env_var, default_env=default_env, prompt=prompt
        )
        return None if password is None else Credential(username, password)

    def password(
        self,
        username: str,
        *,
        target: str,
        env_var: str | None = None,
        default_env: str = HOST_PASSWORD_ENV,
        prompt: bool = True,
    ) -> Secret | None:
        """The password of *username* on *target*, or None (see the module docstring)."""
        for name in (env_var, default_env):
            if name and self._environ.get(name):
                return _secret(self._environ[name], f"${name}")
        found = self._keyring(f"{username}@{target}")
        if found is not None:
            return found
        key = (username, env_var, default_env)
        with self._lock:
            if key in self._cache:
                return self._cache[key]
            secret = self._keyring(username)
            if secret is None and prompt and self._prompt is not None:
                try:
                    text = self._prompt(f"Password for {username} ({target}): ")
                except EOFError:  # Ctrl+D at the prompt: no password, as an empty answer
                    text = ""
                secret = _secret(text, "the typed password") if text else None
            if secret is not None or prompt:
                self._cache[key] = secret
            return secret

    def _keyring(self, user: str) -> Secret | None:
        if not self._use_keyring:
            return None
        try:
            with quiet_import("keyring"):
                import keyring  # noqa: PLC0415 - optional dependency, looked up on use
        except ImportError:
            return None
        try:
            value = keyring.get_password(self._service, user)
        except Exception:  # noqa: BLE001 - no usable backend is the same as no entry
            return None
        if not isinstance(value, str) or not value:
            return None
        return _secret(value, f"the keyring entry {self._service}/{user}")


def _secret(value: str, source: str) -> Secret:
    """*value* as a Secret, if it can be sent anywhere.

    Raises:
        vmic.ConfigurationError: It holds a NUL or text that is not UTF-8 (undecodable
            bytes in an environment variable); the message names *source*, never the value.
    """
    try:
        check_text(value, what=source)
    except UnsafeValueError:
        raise ConfigurationError(
            f"{source} cannot be used as a password: it holds a NUL character or bytes that "
            "are not UTF-8"
        ) from None
    return Secret(value)
