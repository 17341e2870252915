"""The network guard: tests and notebook kernels may reach loopback only.

No test here opens a real connection to another host: the guarded functions are called
with a recording stand-in for the real ``connect``, so even a broken guard sends nothing.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest
from conftest import NETGUARD, NETGUARD_FILE, ROOT


def _recording():
    calls = []

    def original(sock, address, *args):
        calls.append(address)
        return 0

    return original, calls


@pytest.mark.parametrize("host", ["192.0.2.1", "8.8.8.8", "10.0.0.1", "2001:db8::1", "example.com"])
def test_non_loopback_connect_is_refused_before_anything_is_sent(host):
    original, calls = _recording()
    guarded = NETGUARD["make_guarded"](original, "connect")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        with pytest.raises(NETGUARD["NetworkBlockedError"], match="only reach loopback"):
            guarded(sock, (host, 80))
    assert calls == []


@pytest.mark.parametrize("host", ["127.0.0.1", "127.8.9.1", "localhost", "::1"])
def test_loopback_connect_goes_through(host):
    original, calls = _recording()
    guarded = NETGUARD["make_guarded"](original, "connect")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        guarded(sock, (host, 80))
    assert calls == [(host, 80)]


def test_name_lookups_other_than_localhost_are_refused():
    with pytest.raises(NETGUARD["NetworkBlockedError"], match="name lookup"):
        socket.getaddrinfo("pypi.org", 443)
    assert socket.getaddrinfo("localhost", 80)
    assert socket.getaddrinfo("127.0.0.1", 80)


def test_guard_is_installed_in_this_process_and_a_real_loopback_connection_works():
    assert getattr(socket.socket.connect, "netguard", False)
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.create_connection(server.getsockname(), timeout=2):
            pass


def test_notebook_kernels_load_the_guard():
    """A kernel started as the Makefile starts them (IPYTHONDIR) has the guard."""
    code = (
        "from jupyter_client.manager import start_new_kernel\n"
        "km, kc = start_new_kernel(kernel_name='python3')\n"
        "try:\n"
        "    msg_id = kc.execute(\"import socket; print(getattr(socket.socket.connect, 'netguard', False))\")\n"
        "    out = []\n"
        "    while True:\n"
        "        msg = kc.get_iopub_msg(timeout=30)\n"
        "        if msg['parent_header'].get('msg_id') != msg_id: continue\n"
        "        if msg['msg_type'] == 'stream': out.append(msg['content']['text'])\n"
        "        if msg['msg_type'] == 'status' and msg['content']['execution_state'] == 'idle': break\n"
        "    print(''.join(out).strip())\n"
        "finally:\n"
        "    kc.stop_channels(); km.shutdown_kernel(now=True)\n"
    )
    env = dict(os.environ, IPYTHONDIR=str(NETGUARD_FILE.parents[2]))
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120
    )
    assert result.stdout.strip().splitlines()[-1] == "True", result.stderr[-2000:]


# -- UDP: a datagram needs no connection, so sendto / sendmsg are guarded themselves ----------
@pytest.mark.parametrize("host", ["192.0.2.1", "8.8.8.8", "2001:db8::1"])
@pytest.mark.parametrize("form", ["sendto", "sendto with flags", "sendmsg"])
def test_a_udp_datagram_to_another_host_is_refused_before_anything_is_sent(host, form):
    original, calls = _recording()
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_DGRAM) as sock:
        if form == "sendmsg":
            guarded = NETGUARD["make_guarded_send"](
                original, "sendmsg", NETGUARD["sendmsg_address"]
            )
            call = lambda: guarded(sock, [b"x"], [], 0, (host, 9))  # noqa: E731
        else:
            guarded = NETGUARD["make_guarded_send"](original, "sendto", NETGUARD["sendto_address"])
            flags = (0,) if form == "sendto with flags" else ()
            call = lambda: guarded(sock, b"x", *flags, (host, 9))  # noqa: E731
        with pytest.raises(NETGUARD["NetworkBlockedError"], match="only reach loopback"):
            call()
    assert calls == []


def test_the_installed_udp_guard_refuses_test_net_and_lets_loopback_through():
    """The real, installed sendto/sendmsg: TEST-NET 192.0.2.1 is refused (the guard raises
    before the datagram leaves); a loopback datagram arrives."""
    assert getattr(socket.socket.sendto, "netguard", False)
    assert getattr(socket.socket.sendmsg, "netguard", False)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        with pytest.raises(NETGUARD["NetworkBlockedError"], match="sendto"):
            sock.sendto(b"x", ("192.0.2.1", 9))
        with pytest.raises(NETGUARD["NetworkBlockedError"], match="sendto"):
            sock.sendto(b"x", 0, ("192.0.2.1", 9))
        with pytest.raises(NETGUARD["NetworkBlockedError"], match="sendmsg"):
            sock.sendmsg([b"x"], [], 0, ("192.0.2.1", 9))
    with (
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as server,
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as client,
    ):
        server.bind(("127.0.0.1", 0))
        server.settimeout(2)
        client.sendto(b"ping", server.getsockname())
        client.sendmsg([b"pong"], [], 0, server.getsockname())
        assert server.recvfrom(16)[0] == b"ping"
        assert server.recvfrom(16)[0] == b"pong"
