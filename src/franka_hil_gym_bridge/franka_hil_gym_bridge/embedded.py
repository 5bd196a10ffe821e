# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The simulator hosted in the env's own process (backend='embedded'): no separate node.

The only part of the bridge that loads the simulator (franka_hil_sim, MuJoCo), when such an env
is made. Without ROS (publish=False) the env drives a HilSession, the object every sim node
wraps: the same rules, observations and info keys as the graph, without DDS. With publish=True
the env also hosts that session's sim node, in an rclpy context of its own with an executor
thread for its subscriptions: it publishes everything a sim node publishes and teleop nodes can
override it; each env step is a session step, which the node then publishes.
"""

import threading

from franka_hil_common.observation import CAMERAS
from franka_hil_gym_bridge.responses import SimRefused
from franka_hil_gym_bridge.sim_config import node_parameters, normalized


class SessionSim:
    """A HilSession in this process, no ROS."""

    where = 'the embedded simulator'

    def __init__(self, config):
        from franka_hil_sim.core.session import HilSession, Refused

        self._refused = Refused
        self.session = HilSession(config)

    def reset(self, seed, options):
        """Start an episode."""
        return self._call(self.session.reset, seed, options)

    def step(self, action):
        """Run one control period."""
        outcome = self._step(action)
        return (
            outcome.observation,
            outcome.reward,
            outcome.terminated,
            outcome.truncated,
            outcome.info,
        )

    def _step(self, action):
        return self._call(self.session.step, action)

    def _call(self, function, *args):
        try:
            return function(*args)
        except self._refused as error:
            raise SimRefused(f'{self.where}: {error}') from None

    def frames(self):
        """{camera: HxWx3 uint8} of the current state."""
        return {camera: self.session.render(camera) for camera in CAMERAS}

    def close(self):
        """Release the renderers."""
        self.session.close()


class HostedSim(SessionSim):
    """A session with its sim node in this process, publishing and listening on the graph."""

    def __init__(self, config, namespace):
        import rclpy
        from rclpy.executors import SingleThreadedExecutor
        from rclpy.parameter import Parameter
        from rclpy.signals import SignalHandlerOptions
        from franka_hil_sim.core.session import Refused
        from franka_hil_sim.node.sim_node import SimNode

        namespace = normalized(namespace)
        self._refused = Refused
        self.where = f'the embedded sim node {namespace}/sim'
        self.context = rclpy.Context()
        rclpy.init(context=self.context, signal_handler_options=SignalHandlerOptions.NO)
        self.node = None
        self._thread = None
        try:
            self.node = SimNode(
                context=self.context,
                namespace=namespace or '/',
                parameter_overrides=[
                    Parameter(name, value=value) for name, value in node_parameters(config).items()
                ],
            )
            self.session = self.node.session
            self.executor = SingleThreadedExecutor(context=self.context)
            self.executor.add_node(self.node)
            self._thread = threading.Thread(
                target=self.executor.spin, daemon=True, name=f'franka_hil_env{namespace}_executor'
            )
            self._thread.start()
        except BaseException:
            self.close()
            raise

    def reset(self, seed, options):
        """Reset the session; the node publishes the new state."""
        with self.session.lock:
            observation, info = self._call(self.session.reset, seed, options)
            state = self.node.snapshot(observation)
        self.node.publish_reset(state, observation)
        return observation, info

    def _step(self, action):
        outcome = super()._step(action)
        self.node.publish_step(outcome)
        return outcome

    def close(self):
        """Stop the executor thread, then release the node, its session and the context."""
        if self._thread is not None:
            self.executor.shutdown()
            self._thread.join()
            self._thread = None
        if self.node is not None:
            self.node.close()
            self.node.destroy_node()
            self.node = None
        self.context.try_shutdown()
        self.context.destroy()
