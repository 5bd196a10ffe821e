# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
franka-hil-view-recording FILE.rrd...: review recordings in the local web viewer.

It serves Rerun's web viewer on 127.0.0.1 with the files loaded (as the live view), prints the
address and the `ssh -L` line, and runs until Ctrl-C. Make a file from a bag with
franka-hil-bag-to-rerun, or with the viewer node's `save` parameter.
"""

import argparse
from pathlib import Path
import signal
import sys
import time

from franka_hil_viewer.server import ServerError, WebViewerServer


def main(argv=None):
    """Console entry point."""
    parser = argparse.ArgumentParser(
        prog='franka-hil-view-recording', description=__doc__.strip().split('\n')[0].split(': ')[1]
    )
    parser.add_argument('recordings', type=Path, nargs='+', help='.rrd files')
    parser.add_argument('--bind', default='127.0.0.1', help='address to listen on')
    parser.add_argument('--port', type=int, default=9090, help='HTTP port of the page')
    parser.add_argument(
        '--data-port', type=int, default=9876, help='gRPC port the page reads the recordings from'
    )
    options = parser.parse_args(argv)
    missing = [str(p) for p in options.recordings if not p.is_file()]
    if missing:
        parser.error(f'no such file: {", ".join(missing)}')
    stop = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda number, frame: stop.append(number))
    try:
        server = WebViewerServer(
            options.bind,
            options.port,
            options.data_port,
            recordings=[p.resolve() for p in options.recordings],
        )
    except ServerError as error:
        print(f'franka-hil-view-recording: error: {error}', file=sys.stderr)
        return 1
    print(
        server.banner(
            f'recording{"s" if len(options.recordings) > 1 else ""} '
            f'{", ".join(map(str, options.recordings))}'
        ),
        flush=True,
    )
    print('Ctrl-C stops', flush=True)
    try:
        while not stop and server.proc.poll() is None:
            time.sleep(0.2)  # a signal ends the wait at once
    finally:
        server.close()
    if not stop:
        print(
            f'franka-hil-view-recording: the web viewer exited (code {server.proc.returncode})',
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
