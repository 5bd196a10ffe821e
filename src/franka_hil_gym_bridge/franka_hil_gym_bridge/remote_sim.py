# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
A sim node elsewhere on the graph as the env's simulator: one Step round trip per env step.

Connecting checks that the node runs what the env's kwargs ask for; a call that times out marks
the link suspect, so the next reset finds the simulator again on a fresh link (a restarted node
works) and re-checks it before resetting. The node's mode is the one the env asks for, or, when
it asks for none, the one found at the first connect (a restarted node must run it too). A node
in realtime mode is stepped through its `action` topic and the ticks it publishes (realtime);
reset is the Reset service in both modes. Every info value, discrete_penalty included, is the
one the simulator computed: the env compares its kwargs with the node's parameters instead.
"""

import time
import warnings

from franka_hil_common import names
from franka_hil_common.messages import image_array, stamp_ns
from franka_hil_common.observation import CAMERAS
from franka_hil_gym_bridge.remote_sim_link import POLL_S, SimLink, SimUnavailable
from franka_hil_gym_bridge.remote_sim_ticks import Ticks
from franka_hil_gym_bridge.responses import reset_request, reset_result, step_result
from franka_hil_gym_bridge.sim_config import bringup_hint, mismatches, normalized
from franka_hil_gym_bridge.sim_config import parameter_names, start_hint
from franka_hil_msgs.srv import Reset, Step

# How long to look for a teleop node after the simulator was found (only a warning depends on
# it; 1 s once warned falsely on a loaded machine, with teleop_node running).
TELEOP_DISCOVERY_S = 3.0


class SimMismatch(ValueError):
    """The sim node runs other settings than the env's kwargs ask for."""


class RemoteSim:
    """
    The sim node in `namespace`: Step / Reset services, or Reset and ticks in realtime mode.

    mode: 'lockstep' or 'realtime' (the node must run it), None: the node's, from then on.
    """

    def __init__(
        self,
        config,
        namespace,
        timeout,
        connect_timeout,
        cameras=(),
        teleop='none',
        alive=None,
        mode=None,
    ):
        self.config = config
        self.mode = mode
        self.namespace = normalized(namespace)
        self.where = f'{self.namespace}/{names.SIM_NODE}'
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self.cameras = cameras
        self.link = None
        self.connected = False
        self.ticks = None
        self._closed = False
        self._stamp_ns = None
        self._connect(connect_timeout, alive)
        if teleop != 'none':
            self._look_for_teleop(teleop)

    def _connect(self, timeout, alive=None):
        """
        Open a fresh link, find the sim node and check its parameters against the env's.

        A fresh link is a new DDS participant: after a simulator restart it is answered within
        a fraction of a second, where the old one took 2.5 s (measured with Fast DDS).
        """
        link = self.link = SimLink(self.namespace)
        try:
            if self._closed:
                link.close()
            link.wait_for_sim(timeout, alive)
            values = link.parameters(parameter_names(), timeout)
            mode, values, problems = mismatches(self.config, values, self.mode)
            if problems:
                bringup = bringup_hint(self.config, self.namespace, self.mode)
                raise SimMismatch(
                    f'the simulator {self.where} does not run what this env asks for: '
                    f'{"; ".join(problems)}. Start it with matching parameters ('
                    + (f'`{bringup}`, or ' if bringup else '')
                    + f'`{start_hint(self.config, self.namespace, self.mode)}`), make the env '
                    f'with kwargs that match it, or make the env with launch=True '
                    f'(FRANKA_HIL_LAUNCH=1)'
                )
            link.handshake(timeout)
            realtime = mode == 'realtime'
            images = realtime and self.config.image_obs
            if realtime:
                link.open_ticks(timeout)
            cameras = CAMERAS if images else self.cameras
            if cameras:
                link.subscribe_cameras(cameras, values['image_reliability'] == 'reliable', timeout)
            if images:
                link.frames(0, timeout)  # a first frame: from now on every tick's reaches us
        except BaseException:
            link.close()
            raise
        self.mode = mode
        self.ticks = Ticks(link, images) if realtime else None
        self.connected = True

    def _look_for_teleop(self, teleop):
        topic = f'{self.namespace}/{names.INTERVENTION}'
        deadline = time.monotonic() + TELEOP_DISCOVERY_S
        while not self.link.node.count_publishers(topic):
            if time.monotonic() >= deadline:
                warnings.warn(
                    f'nobody publishes {topic}: this env expects a {teleop} teleop in '
                    f'the graph (`franka-hil-bringup teleop:={teleop}`); until one '
                    f'runs, only the policy acts',
                    stacklevel=4,
                )
                return
            time.sleep(POLL_S)

    def reset(self, seed, options):
        """Reset the sim (finding it again first if the last call went unanswered)."""
        if not self.connected:
            self.link.close()
            self._connect(self.connect_timeout)
        request = reset_request(Reset.Request(), seed, options)
        response = self._call(self.link.reset, request)
        observation, info = reset_result(response, self.where)
        self._stamp_ns = stamp_ns(response.observation.header.stamp)
        if self.ticks is not None:
            self.ticks.reset(self._stamp_ns, info['episode'])
        return observation, info

    def step(self, action):
        """One Step round trip, or in realtime mode the tick that applied `action`."""
        if not self.connected:
            raise SimUnavailable(
                f'{self.where}: step refused: a call to it went unanswered, so '
                f'its state is unknown; call reset() first (it finds the '
                f'simulator again)'
            )
        if self.ticks is None:
            response = self._call(self.link.step, Step.Request(action=action.tolist()))
        else:
            response = self._call(self.ticks.step, action)
        result = step_result(response, self.where, self.config.gripper_penalty)
        self._stamp_ns = stamp_ns(response.observation.header.stamp)
        return result

    @property
    def stamp_ns(self):
        """Sim time (ns) of the last observation returned."""
        return self._stamp_ns

    def _call(self, call, request):
        """Return call(request, timeout); a timeout makes the next reset connect afresh."""
        try:
            return call(request, self.timeout)
        except SimUnavailable:
            self.connected = False
            raise

    def frames(self):
        """{camera: HxWx3 uint8} of the last observation's state (cameras subscribed at init)."""
        return {
            camera: image_array(msg)
            for camera, msg in self.link.frames(self._stamp_ns, self.timeout).items()
        }

    def close(self):
        """Release the link (a call waiting in another thread raises at once)."""
        self._closed = True
        if self.link is not None:
            self.link.close()
