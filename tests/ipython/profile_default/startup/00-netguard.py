"""Loopback only: any attempt to reach another host fails loudly.

Loaded by every notebook kernel the tests start (IPYTHONDIR=tests/ipython, see the
Makefile) and by tests/conftest.py for the unit tests. Nothing is sent before the check:
the guard refuses the address before the real ``connect`` (TCP) or ``sendto`` / ``sendmsg``
(a UDP datagram, which needs no connection) runs.
"""

import ipaddress
import socket


class NetworkBlockedError(RuntimeError):
    """Raised when code under test tries to open a connection to a non-loopback host."""


def _is_loopback(host: object) -> bool:
    if host in (None, "", "localhost", b"localhost"):
        return True
    if isinstance(host, bytes):
        host = host.decode()
    if not isinstance(host, str):
        return False
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False  # a host name other than localhost


def address_allowed(family: int, address: object) -> bool:
    """True for non-IP sockets (Unix domain) and for loopback IP addresses."""
    if family not in (socket.AF_INET, socket.AF_INET6):
        return True
    host = address[0] if isinstance(address, tuple) and address else address
    return _is_loopback(host)


def make_guarded(original, what: str):
    def guarded(self, address, *args, **kwargs):
        if not address_allowed(self.family, address):
            raise NetworkBlockedError(
                f"{what} to {address!r} blocked: tests and notebooks may only reach loopback"
            )
        return original(self, address, *args, **kwargs)

    guarded.__name__ = f"netguard_{what}"
    guarded.netguard = True
    return guarded


def sendto_address(args: tuple):
    """``sendto(data, address)`` / ``sendto(data, flags, address)``: the last argument."""
    return args[-1] if len(args) >= 2 else None


def sendmsg_address(args: tuple):
    """``sendmsg(buffers, ancdata, flags, address)``: the fourth, absent when connected."""
    return args[3] if len(args) >= 4 else None


def make_guarded_send(original, what: str, address_of):
    """Guard a datagram send: refuse a destination that is not loopback before sending.

    A send without an address goes to the connected peer, which ``connect`` already checked.
    """

    def guarded(self, *args):
        address = address_of(args)
        if address is not None and not address_allowed(self.family, address):
            raise NetworkBlockedError(
                f"{what} to {address!r} blocked: tests and notebooks may only reach loopback"
            )
        return original(self, *args)

    guarded.__name__ = f"netguard_{what}"
    guarded.netguard = True
    return guarded


def make_guarded_getaddrinfo(original):
    def guarded(host, *args, **kwargs):
        if not _is_loopback(host):
            try:
                ipaddress.ip_address(str(host).split("%")[0])  # numeric: connect decides
            except ValueError:
                raise NetworkBlockedError(
                    f"name lookup of {host!r} blocked: tests and notebooks may only reach loopback"
                ) from None
        return original(host, *args, **kwargs)

    guarded.netguard = True
    return guarded


def install() -> None:
    """Patch socket.connect, connect_ex, sendto, sendmsg and getaddrinfo (idempotent)."""
    if getattr(socket.socket.connect, "netguard", False):
        return
    socket.socket.connect = make_guarded(socket.socket.connect, "connect")
    socket.socket.connect_ex = make_guarded(socket.socket.connect_ex, "connect_ex")
    socket.socket.sendto = make_guarded_send(socket.socket.sendto, "sendto", sendto_address)
    if hasattr(socket.socket, "sendmsg"):  # not on Windows
        socket.socket.sendmsg = make_guarded_send(socket.socket.sendmsg, "sendmsg", sendmsg_address)
    socket.getaddrinfo = make_guarded_getaddrinfo(socket.getaddrinfo)


install()
