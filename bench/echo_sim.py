# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
A sim node that answers every Step with its first real answer: what the round trip costs alone.

The benches run it beside a real sim node: the rate of Step calls it answers is the transport's
ceiling (DDS, rclpy and the message conversions on both sides, no physics), so a bridged rate can
be read against direct_rate * echo_rate / (direct_rate + echo_rate), what a lockstep round trip
allows at best. Same parameters, topics and services as sim_node (ros_bench.SimProcess starts it).
"""

import sys

from franka_hil_ros_common.node_main import run_node
from franka_hil_sim.node.sim_node import SimNode


class EchoSim(SimNode):
    """SimNode whose Step repeats its first successful response, without stepping or publishing."""

    def __init__(self):
        super().__init__()
        self._canned = None

    def on_step(self, request):
        """Step once for real, then answer every request with that response."""
        if self._canned is None:
            response, _ = super().on_step(request)
            if not response.ok:
                return response, None
            self._canned = response
        return self._canned, None


if __name__ == '__main__':
    sys.exit(run_node(EchoSim))
