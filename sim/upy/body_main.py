"""Entry point of the MicroPython body: ``micropython body_main.py ROOT BOARD CAUSE FLAG REQ ANS``.

Stdin/stdout are the link (USB CDC on a board; the host relays them to the
pty the brain opens), file descriptor REQ carries peripheral requests to
the host and ANS its answers. Runs the real ``firmware.main.run`` with a remote ``machine``.
"""

import sys

sys.path.insert(0, sys.argv[1])

from firmware import main
from sim.upy.remote_machine import Host, NeoPixelModule, RemoteMachine

host = Host(open(int(sys.argv[5]), "wb"), open(int(sys.argv[6]), "rb"))
main.run(
    sys.argv[2],
    machine=RemoteMachine(host, int(sys.argv[3])),
    neopixel=NeoPixelModule(host),
    repl_flag=sys.argv[4],
)
