# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The env's line to one sim node: Step, Reset and parameter calls, made from the caller's thread.

It has an rclpy context of its own (no global init, no signal handlers: the host program keeps
its own) and no executor or background thread: a call sends its request and waits on a private
rcl wait set holding that client and a guard condition. So calls from any thread are simply
serialised, a sim that died surfaces as a timeout instead of a hang, close() from another thread
wakes a waiting call at once, and close() leaves nothing running. Handing each response over
from an executor thread instead measured 10-14 % fewer steps/s against a sim_node.

A sim node in realtime mode is driven through topics instead (see remote_sim_ticks): the link
publishes `action` and keeps every tick's `observation` and `step_info` in its subscriptions'
histories until the env takes them, on the same private wait set.
"""

from collections import deque
import itertools
import os
import threading
import time

from builtin_interfaces.msg import Time
from franka_hil_common import names
from franka_hil_common.messages import stamp_fields, stamp_ns as time_ns
from franka_hil_gym_bridge.sim_config import normalized
from franka_hil_msgs.msg import Observation, StepInfo
from franka_hil_msgs.srv import Reset, Step
from rcl_interfaces.srv import GetParameters
import rclpy
from rclpy.impl.implementation_singleton import rclpy_implementation as _rclpy
from rclpy.parameter import parameter_value_to_python
from rclpy.qos import QoSProfile, ReliabilityPolicy
from rclpy.signals import SignalHandlerOptions
from sensor_msgs.msg import Image
from std_msgs.msg import Float32MultiArray

# How the user starts a simulator, for the error that says none answers.
START_HINT = (
    'start the graph first: `franka-hil-bringup` (pip-only installs) or `ros2 launch '
    'franka_hil_sim pick_cube.launch.py`, or a lone simulator with `sim_node`; '
    'or make the env with launch=True (FRANKA_HIL_LAUNCH=1 where the caller passes '
    'no kwargs, as LeRobot)'
)
# Connecting requests (parameters, refused probes) are resent this often until answered: they are
# harmless to repeat, and the first ones may go out before the node's endpoints match ours.
RESEND_S = 0.25
POLL_S = 0.02
# Realtime ticks kept until the env takes them (100 s of ticks at 10 Hz): a caller that pauses
# longer loses the oldest, which the env notices (see remote_sim_ticks).
TICK_DEPTH = 1000
TICK_TYPES = {names.OBSERVATION: Observation, names.STEP_INFO: StepInfo}
_NS_PER_S = 1_000_000_000
_names = itertools.count()


class SimUnavailable(RuntimeError):
    """No simulator answers (none running, it died, or it hangs)."""


class LinkClosed(RuntimeError):
    """The env was closed (possibly from another thread) while a call was waiting."""


class SimLink:
    """Step / Reset / GetParameters clients of the sim node in `namespace`, and its cameras."""

    def __init__(self, namespace):
        self.namespace = normalized(namespace)
        self.where = f'{self.namespace}/{names.SIM_NODE}'
        self._lock = threading.Lock()
        self._closed = False
        self._cameras = {}
        self._ticks = {}
        self._action = None
        self.context = rclpy.Context()
        rclpy.init(context=self.context, signal_handler_options=SignalHandlerOptions.NO)
        self.node = None
        try:
            self.node = rclpy.create_node(
                f'gym_env_{os.getpid()}_{next(_names)}',
                namespace=self.namespace or '/',
                context=self.context,
                start_parameter_services=False,
                enable_rosout=False,
            )
            self._step = self.node.create_client(Step, names.STEP)
            self._reset = self.node.create_client(Reset, names.RESET)
            self._parameters = self.node.create_client(
                GetParameters, names.parameter_service(names.SIM_NODE)
            )
            self._wake = self.node.create_guard_condition(lambda: None)
            self._wait_set = _rclpy.WaitSet(len(TICK_TYPES), 1, 0, 1, 0, 0, self.context.handle)
        except Exception:
            self.close()
            raise

    # Calls ---------------------------------------------------------------------------------------

    def wait_for_sim(self, timeout, alive=None):
        """
        Wait until the sim node's Step, Reset and parameter services are discovered.

        `alive()` (optional) raises if whatever should start the simulator has failed. Raises
        SimUnavailable naming the missing services after `timeout` seconds.
        """
        clients = (self._step, self._reset, self._parameters)
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                self._check_open()
                missing = [self.full_name(c) for c in clients if not c.service_is_ready()]
                if not missing:
                    return
                if alive is not None:
                    alive()
                if time.monotonic() >= deadline:
                    raise SimUnavailable(
                        f'no simulator found: service(s) {", ".join(missing)} not available '
                        f'after {timeout:g} s; {START_HINT} (namespace '
                        f'{self.namespace or "/"}, same ROS_DOMAIN_ID '
                        f'{os.environ.get("ROS_DOMAIN_ID", "0")})'
                    )
                self._wait(POLL_S)

    def parameters(self, names, timeout):
        """Read the sim node's parameters `names`; return {name: value} of those that are set."""
        response = self._call(
            self._parameters, GetParameters.Request(names=list(names)), timeout, resend_s=RESEND_S
        )
        values = {}
        for name, value in zip(names, response.values):
            value = parameter_value_to_python(value)
            if value is not None:
                values[name] = value
        return values

    def handshake(self, timeout):
        """
        Probe Step and Reset (answered at once, nothing done) until both answer.

        service_is_ready() says that our requests reach the node, not that its responses reach
        us: until its side of discovery completes, a response can be dropped.
        """
        self._call(self._step, Step.Request(probe=True), timeout, resend_s=RESEND_S)
        self._call(self._reset, Reset.Request(probe=True), timeout, resend_s=RESEND_S)

    def step(self, request, timeout):
        """Send a Step request; return the response."""
        return self._call(self._step, request, timeout)

    def reset(self, request, timeout):
        """Send a Reset request; return the response."""
        return self._call(self._reset, request, timeout)

    def _call(self, client, request, timeout, resend_s=None):
        """
        Send `request` and return its response; SimUnavailable after `timeout` s.

        The request carries the moment this call gives up (its deadline, wall clock), so the
        simulator refuses it if it arrives later: an unanswered Step never runs afterwards.
        """
        with self._lock:
            self._check_open()
            if hasattr(request, 'deadline'):
                request.deadline = Time(**stamp_fields(time.time_ns() + int(timeout * _NS_PER_S)))
            start = time.monotonic()
            deadline = start + timeout
            resend_at = start + resend_s if resend_s else deadline
            with client.handle:
                pending = {client.handle.send_request(request)}
                while True:
                    now = time.monotonic()
                    if now >= deadline:
                        raise SimUnavailable(
                            f'{self.where} did not answer {self.full_name(client)} within '
                            f'{timeout:g} s: it died or hangs. Start it again ({START_HINT}), '
                            f'then call reset()'
                        )
                    if now >= resend_at:
                        pending.add(client.handle.send_request(request))
                        resend_at = now + resend_s
                    self._wait(min(deadline, resend_at) - now, ('client', client.handle))
                    self._check_open()
                    while True:
                        header, response = client.handle.take_response(client.srv_type.Response)
                        if header is None:
                            break
                        if header.request_id.sequence_number in pending:
                            return response

    def full_name(self, client):
        """Return the fully qualified name of a client's service."""
        return self.node.resolve_service_name(client.srv_name)

    # Camera frames -------------------------------------------------------------------------------

    def subscribe_cameras(self, cameras, reliable, timeout):
        """
        Receive `<camera>/image_raw` from now on: the sim renders the cameras somebody receives.

        Waits until each topic's publisher is discovered, so that the next step is rendered.
        """
        qos = QoSProfile(
            depth=5,
            reliability=ReliabilityPolicy.RELIABLE if reliable else ReliabilityPolicy.BEST_EFFORT,
        )
        deadline = time.monotonic() + timeout
        with self._lock:
            for camera in cameras:
                subscription = self.node.create_subscription(
                    Image, names.image_topic(camera), lambda msg: None, qos
                )
                self._cameras[camera] = [subscription, None]
                while not self.node.count_publishers(subscription.topic_name):
                    if time.monotonic() >= deadline:
                        raise SimUnavailable(
                            f'{self.where} does not publish {subscription.topic_name}'
                        )
                    self._wait(POLL_S)
                    self._check_open()

    def frames(self, stamp_ns, timeout, exact=False):
        """
        Return {camera: Image} published with the observation stamped `stamp_ns`.

        Frames older than that are dropped. exact=True: a newer frame instead (that one was lost)
        is SimUnavailable; else it is returned.
        """
        deadline = time.monotonic() + timeout
        with self._lock:
            self._check_open()
            for camera, entry in self._cameras.items():
                subscription = entry[0]
                with subscription.handle:
                    while entry[1] is None or time_ns(entry[1].header.stamp) < stamp_ns:
                        taken = subscription.handle.take_message(Image, False)
                        if taken is not None and taken[0] is not None:
                            entry[1] = taken[0]
                            continue
                        remaining = deadline - time.monotonic()
                        if remaining <= 0:
                            raise SimUnavailable(
                                f'no {subscription.topic_name} frame of this step from '
                                f'{self.where} within {timeout:g} s'
                            )
                        self._wait(remaining, ('subscription', subscription.handle))
                        self._check_open()
                if exact and time_ns(entry[1].header.stamp) != stamp_ns:
                    raise SimUnavailable(
                        f'the {subscription.topic_name} frame stamped {stamp_ns} ns from '
                        f'{self.where} was lost (the next one is stamped '
                        f'{time_ns(entry[1].header.stamp)} ns)'
                    )
            return {camera: entry[1] for camera, entry in self._cameras.items()}

    # Realtime ticks ------------------------------------------------------------------------------

    def open_ticks(self, timeout):
        """
        Publish on `action` and receive every tick's `observation` and `step_info` from now on.

        Returns once the sim's `action` subscription is discovered and a message of each topic
        has arrived (the sim publishes only to subscribers it has discovered, so from then on
        every tick reaches this link); SimUnavailable after `timeout` s.
        """
        qos = QoSProfile(depth=TICK_DEPTH, reliability=ReliabilityPolicy.RELIABLE)
        deadline = time.monotonic() + timeout
        with self._lock:
            self._check_open()
            self._action = self.node.create_publisher(
                Float32MultiArray, names.ACTION, QoSProfile(depth=1)
            )
            for topic, msg_type in TICK_TYPES.items():
                self._ticks[topic] = [
                    self.node.create_subscription(msg_type, topic, lambda msg: None, qos),
                    deque(maxlen=TICK_DEPTH),
                ]
            while True:
                self._take_ticks()
                missing = [entry[0].topic_name for entry in self._ticks.values() if not entry[1]]
                if not self._action.get_subscription_count():
                    missing.append(f'a subscriber of {self._action.topic_name}')
                if not missing:
                    return
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise SimUnavailable(
                        f'{self.where} runs in realtime mode but nothing of '
                        f'{", ".join(missing)} reached this env within {timeout:g} s: it hangs '
                        f'or died. Start it again ({START_HINT}), then call reset()'
                    )
                self._wait(min(POLL_S, remaining), *self._tick_entities())
                self._check_open()

    def publish_action(self, action):
        """Publish `action` (float32 array) on the sim's `action` topic."""
        with self._lock:
            self._check_open()
            self._action.publish(Float32MultiArray(data=action.tolist()))

    def take_tick(self, topic, wait_s=0.0):
        """
        Return the oldest `topic` (names.OBSERVATION or names.STEP_INFO) message not taken yet.

        Waits up to `wait_s` for a message on either topic (or close()); None if none arrived.
        """
        with self._lock:
            self._check_open()
            inbox = self._ticks[topic][1]
            self._take_ticks()  # both: a message left in a subscription would end every wait
            if not inbox and wait_s > 0:
                self._wait(wait_s, *self._tick_entities())
                self._check_open()
                self._take_ticks()
            return inbox.popleft() if inbox else None

    def tick_topic(self, topic):
        """Return the full name of a tick topic (for messages)."""
        return self._ticks[topic][0].topic_name

    def _take_ticks(self):
        """Move every tick message that arrived into its topic's inbox (lock held)."""
        for subscription, inbox in self._ticks.values():
            with subscription.handle:
                while True:
                    taken = subscription.handle.take_message(subscription.msg_type, False)
                    if taken is None or taken[0] is None:
                        break
                    inbox.append(taken[0])

    def _tick_entities(self):
        return [('subscription', entry[0].handle) for entry in self._ticks.values()]

    # Waiting and closing -------------------------------------------------------------------------

    def _wait(self, seconds, *entities):
        """Wait up to `seconds` for one of `entities` (kind, handle) or close(); lock held."""
        wait_set = self._wait_set
        with self._wake.handle:
            wait_set.clear_entities()
            for kind, handle in entities:
                getattr(wait_set, f'add_{kind}')(handle)
            wait_set.add_guard_condition(self._wake.handle)
            wait_set.wait(max(0, int(seconds * _NS_PER_S)))

    def _check_open(self):
        if self._closed:
            raise LinkClosed(f'the env connected to {self.where} was closed')

    @property
    def closed(self):
        """Return True once close() was called."""
        return self._closed

    def close(self):
        """Wake a waiting call (it raises LinkClosed), then destroy the node and the context."""
        if self._closed:
            return
        self._closed = True
        wake = getattr(self, '_wake', None)
        if wake is not None:
            wake.trigger()
        with self._lock:
            if self.node is not None:
                self.node.destroy_node()
            self.context.try_shutdown()
            self.context.destroy()
