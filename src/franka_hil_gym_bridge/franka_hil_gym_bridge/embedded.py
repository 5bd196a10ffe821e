# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The simulator hosted in the env's own process (backend='embedded'): no separate node.

Without ROS (publish=False) the env drives a franka_hil_sim HilSession, the object every sim
node wraps: the same rules, observations and info keys as the graph, without DDS and without
importing rclpy. With publish=True the env hosts the sim node itself, in an rclpy context of its
own with an executor thread for its subscriptions: it publishes everything a sim node publishes,
teleop nodes can override it, and each env step is the node's own Step service handler, whose
response the env reads exactly as it reads a remote simulator's.
"""

import threading

from franka_hil_gym_bridge.responses import reset_request, reset_result, SimRefused
from franka_hil_gym_bridge.responses import step_result
from franka_hil_gym_bridge.sim_config import node_parameters, normalized
from franka_hil_msgs.srv import Reset, Step
from franka_hil_sim.hil_session import HilSession, Refused

CAMERAS = ('front', 'wrist')


class SessionSim:
    """A HilSession in this process, no ROS."""

    where = 'the embedded simulator'

    def __init__(self, config):
        self.session = HilSession(config)

    def reset(self, seed, options):
        """Start an episode."""
        try:
            return self.session.reset(seed, options)
        except Refused as error:
            raise SimRefused(f'{self.where}: {error}') from None

    def step(self, action):
        """Run one control period."""
        try:
            outcome = self.session.step(action)
        except Refused as error:
            raise SimRefused(f'{self.where}: {error}') from None
        return (outcome.observation, outcome.reward, outcome.terminated, outcome.truncated,
                outcome.info)

    def frames(self):
        """{camera: HxWx3 uint8} of the current state."""
        return {camera: self.session.render(camera) for camera in CAMERAS}

    def close(self):
        """Release the renderers."""
        self.session.close()


class HostedSim(SessionSim):
    """A sim node (SimNode) in this process, publishing and listening on the graph."""

    def __init__(self, config, namespace):
        from franka_hil_sim.sim_node import SimNode
        import rclpy
        from rclpy.executors import SingleThreadedExecutor
        from rclpy.parameter import Parameter
        from rclpy.signals import SignalHandlerOptions

        namespace = normalized(namespace)
        self.where = f'the embedded sim node {namespace}/sim'
        self.context = rclpy.Context()
        rclpy.init(context=self.context, signal_handler_options=SignalHandlerOptions.NO)
        self.node = None
        self._thread = None
        try:
            self.node = SimNode(
                context=self.context, namespace=namespace or '/',
                parameter_overrides=[Parameter(name, value=value)
                                     for name, value in node_parameters(config).items()])
            self.session = self.node.session
            self.executor = SingleThreadedExecutor(context=self.context)
            self.executor.add_node(self.node)
            self._thread = threading.Thread(target=self.executor.spin, daemon=True,
                                            name=f'franka_hil_env{namespace}_executor')
            self._thread.start()
        except BaseException:
            self.close()
            raise

    def reset(self, seed, options):
        """Reset through the node's Reset service callback (it publishes the new state)."""
        request = reset_request(Reset.Request(), seed, options)
        return reset_result(self._serve(self.node.on_reset, request), self.where)

    def step(self, action):
        """Step through the node's Step service callback (it publishes the step)."""
        request = Step.Request(action=action.tolist())
        return step_result(self._serve(self.node.on_step, request), self.where)

    @staticmethod
    def _serve(handler, request):
        response, publish = handler(request)
        if publish is not None:
            publish()
        return response

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
