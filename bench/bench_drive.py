# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The driving page's figures: step-to-pixels, key-to-intervention, and its cost to the simulator.

Run: bash scripts/with_env.sh python bench/bench_drive.py [--seconds S] [--image-source raw]

A realtime sim_node, teleop_node (source browser) and drive_node run in a namespace of their
own, the page in headless Chromium (Debian's, driven by Playwright).
1. Step to pixels: from this process receiving a step_info to the page drawing that step's
   frame (its #frame text set after both cameras are drawn; wall clock of both, one machine).
   Goal: p95 <= 250 ms.
2. Key to intervention: from the page's keydown of Space (the event's own time stamp) to this
   process receiving the Intervention with active=true that it caused. Goal: p99 <= 50 ms.
3. The sim's CPU (100 % = one core) in rounds that alternate the page closed and open (the
   drive node running in both: it subscribes to the previews, so the sim renders them), and a
   last round without the drive node. Goal: the page's cost <= 5 % of a core.
"""

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

from franka_hil_msgs.msg import Intervention, StepInfo
import rclpy
from ros_bench import SimProcess

NS = f'/bench_drive_{os.getpid()}'
# The page records when it drew each frame and when Space went down (wall clock, ms).
PAGE_PROBE = """
window.__drawn = []; window.__keys = [];
addEventListener('keydown', e => { if (e.code === 'Space' && !e.repeat)
  window.__keys.push(performance.timeOrigin + e.timeStamp); }, true);
addEventListener('DOMContentLoaded', () => new MutationObserver(() => window.__drawn.push(
  [performance.timeOrigin + performance.now(), document.getElementById('frame').textContent]))
  .observe(document.getElementById('frame'), {childList: true}));
"""


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def node_process(module, *parameters):
    log = tempfile.NamedTemporaryFile(prefix='bench_drive_', suffix='.log')
    argv = [
        sys.executable,
        '-m',
        module,
        '--ros-args',
        '-r',
        f'__ns:={NS}',
        *(a for p in parameters for a in ('-p', p)),
    ]
    return subprocess.Popen(
        argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
    ), log


def stop(proc):
    proc.send_signal(2)
    proc.wait(timeout=30)


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def sim_cpu(sim, seconds):
    """Return the sim's CPU share over `seconds` of wall time (1.0 = one core)."""
    before, started = sim.cpu_seconds(), time.monotonic()
    time.sleep(seconds)
    return (sim.cpu_seconds() - before) / (time.monotonic() - started)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument('--seconds', type=float, default=20.0, help='length of each part')
    parser.add_argument('--presses', type=int, default=60, help='Space presses timed')
    parser.add_argument(
        '--image-source',
        choices=('preview', 'raw'),
        default='preview',
        help="the drive node's image_source parameter",
    )
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    rclpy.init()
    node = rclpy.create_node(f'bench_drive_{os.getpid()}', namespace=NS)
    steps, interventions = {}, []
    node.create_subscription(
        StepInfo, 'step_info', lambda m: steps.setdefault((m.episode, m.step), time.time()), 100
    )
    node.create_subscription(
        Intervention, 'intervention', lambda m: interventions.append((time.time(), m.active)), 100
    )
    executor = rclpy.executors.SingleThreadedExecutor()
    executor.add_node(node)
    spinner = threading.Thread(target=executor.spin)
    spinner.start()

    sim = SimProcess(NS, mode='realtime')
    port = free_port()
    teleop, _ = node_process('franka_hil_teleop.teleop_node', 'source:=browser')
    drive, _ = node_process(
        'franka_hil_drive.drive_node', f'port:={port}', f'image_source:={args.image_source}'
    )
    try:
        deadline = time.monotonic() + 120
        while len(steps) < 20:
            assert time.monotonic() < deadline, 'no step_info from the sim'
            time.sleep(0.1)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=shutil.which('chromium'), args=['--no-sandbox']
            )
            context = browser.new_context(viewport={'width': 1000, 'height': 760})
            context.add_init_script(PAGE_PROBE)

            def open_page():
                page = context.new_page()
                page.goto(f'http://127.0.0.1:{port}/', timeout=60_000)
                page.wait_for_function(
                    "document.getElementById('role_text').textContent.includes('you drive')",
                    timeout=60_000,
                )
                return page

            page = open_page()
            time.sleep(args.seconds)
            drawn = {}  # label -> when first drawn (later frames may repeat it)
            for drawn_ms, text in page.evaluate('window.__drawn'):
                if text.startswith('episode'):
                    drawn.setdefault(
                        tuple(int(w.strip(',')) for w in text.split()[1::2]), drawn_ms
                    )
            ages = [ms - 1000 * steps[label] for label, ms in drawn.items() if label in steps]
            print(
                f'step to pixels (headless Chromium, realtime, {len(ages)} frames): '
                f'p50 {percentile(ages, 50):.0f} ms, p95 {percentile(ages, 95):.0f} ms '
                '(goal p95 <= 250 ms)'
            )

            delays = []
            for _ in range(args.presses):
                page.keyboard.down('Space')
                time.sleep(0.2)
                page.keyboard.up('Space')
                time.sleep(0.3)
            pressed = page.evaluate('window.__keys')
            for down_ms in pressed:
                after = [t for t, active in interventions if active and 1000 * t >= down_ms]
                if after:
                    delays.append(1000 * after[0] - down_ms)
            print(
                f'key press to intervention ({len(delays)} of {len(pressed)} presses): '
                f'p50 {percentile(delays, 50):.1f} ms, p99 {percentile(delays, 99):.1f} ms '
                '(goal p99 <= 50 ms)'
            )

            page.close()
            closed, opened = [], []
            for _ in range(2):
                closed.append(sim_cpu(sim, args.seconds / 2))
                page = open_page()
                opened.append(sim_cpu(sim, args.seconds / 2))
                page.close()
            browser.close()
        stop(drive)
        none = sim_cpu(sim, args.seconds / 2)
        opened, closed = statistics.mean(opened), statistics.mean(closed)
        print(
            f'sim CPU (% of a core, realtime, rounds of {args.seconds / 2:g} s): page open '
            f'{100 * opened:.1f} % | page closed {100 * closed:.1f} % | no drive node '
            f'{100 * none:.1f} %; the page costs {100 * (opened - closed):.1f} %, the drive '
            f'node and page (the images it subscribes to) {100 * (opened - none):.1f} % '
            '(goal <= 5 %)'
        )
    finally:
        for proc in (drive, teleop):
            if proc.poll() is None:
                stop(proc)
        sim.stop()
        executor.shutdown()
        spinner.join()
        rclpy.shutdown()


if __name__ == '__main__':
    main()
