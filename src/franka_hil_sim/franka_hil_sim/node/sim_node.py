# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The simulator on the ROS graph: a thin rclpy shell around one HilSession.

Everything that decides (override arbitration, episode rules, refusals) is in the session core
(franka_hil_sim.core.session), what is shown of the state in telemetry, and every message is
built in messages; this node only wires them to topics, services, a timer and parameters.

Step and Reset are answered on a thread of their own (service_thread: the response goes out
before the step is published on topics), while the executor serves the subscriptions, the
realtime timer and the parameters on the main thread. No callback waits on another, so nothing
can deadlock; concurrent Step callers are queued and served in order, and a human's intervention
arriving during a Step applies from the next one. rclpy's MultiThreadedExecutor was measured
here stalling Steps for up to 1.8 s (median 32 ms) while teleop published.
"""

from collections import deque
import json
import math
import sys
import threading
import time

from franka_hil_common import names, observation as layout
from franka_hil_common.messages import deadline_passed, stamp_ns
from franka_hil_msgs.msg import EpisodeEvent, Intervention, Observation, StepInfo, StepInfoArray
from franka_hil_msgs.srv import Reset, Step
from franka_hil_ros_common.log import ByText, RateLimitedLog
from franka_hil_ros_common.node_main import run_node
from franka_hil_ros_common.qos import LATCHED, STEP_INFO
from franka_hil_sim.core.recorder_gate import Endpoints, RecorderGate
from franka_hil_sim.core.session import HilSession, Refused
from franka_hil_sim.node import messages as rm, telemetry
from franka_hil_sim.node.parameters import PARAMETERS, settings_from
from franka_hil_sim.node.person_start import PersonStart
from franka_hil_sim.node.previews import PreviewRenderer
from franka_hil_sim.node.service_thread import ServiceThread
from franka_hil_sim.node.window import ViewerWindow
import numpy as np
from rcl_interfaces.msg import ParameterDescriptor
from rclpy.clock import Clock, ClockType
from rclpy.event_handler import PublisherEventCallbacks
from rclpy.node import Node
from rclpy.qos import DurabilityPolicy, HistoryPolicy, QoSProfile, ReliabilityPolicy
from rosgraph_msgs.msg import Clock as ClockMsg
from sensor_msgs.msg import CameraInfo, Image, JointState
from std_msgs.msg import Float32MultiArray, Float64, String
from tf2_msgs.msg import TFMessage
from visualization_msgs.msg import MarkerArray

# Frames a human twist may be given in: the robot base, and the world it coincides with.
TWIST_FRAMES = ('', names.BASE_FRAME, names.WORLD_FRAME)
# Sliding window of the published real-time factor (s of wall time).
RTF_WINDOW_S = 2.0
# Per-message warnings: at most one line per cause in this many seconds, with a count.
LOG_THROTTLE_S = 1.0
_NO_EVENT_CALLBACKS = PublisherEventCallbacks(use_default_callbacks=False)
# Step / Reset requests are kept until served, however many clients send at once: DDS applies
# flow control to the senders instead of dropping the oldest (as a bounded history would).
REQUESTS_QOS = QoSProfile(history=HistoryPolicy.KEEP_ALL, reliability=ReliabilityPolicy.RELIABLE)
# StepInfos kept for step_info_batches between two sends (more: the oldest are dropped).
MAX_UNSENT_STEPS = 10_000


class SimNode(Node):
    """One PickCube simulation: lockstep Step/Reset services or a realtime loop; see the table."""

    def __init__(self, **kwargs):
        super().__init__(names.SIM_NODE, **kwargs)
        self.settings = settings_from(self._parameter_values())
        s = self.settings
        self._log = RateLimitedLog(self.get_logger(), LOG_THROTTLE_S)
        try:
            self.session = HilSession(s.session, logger=ByText(self._log))
        except ValueError as error:  # what only the sim core can check (control_rate)
            raise ValueError(f'control_rate={1.0 / s.session.control_dt:g} Hz: {error}') from None
        self._prefix = s.frame_prefix
        self._tf = rm.TfMessages(s.frame_prefix)
        # TF and marker messages are updated in place: one thread builds and publishes at a time
        # (the service thread and the realtime timer may both publish).
        self._reused_messages = threading.Lock()
        self._markers = rm.SceneMarkers(
            telemetry.block_half_size(self.session.sim),
            telemetry.workspace_bounds(),
            s.frame_prefix + names.WORLD_FRAME,
        )
        self.window = None
        if s.window:
            try:
                self.window = ViewerWindow(self.session.sim.model, self.session.sim.data)
            except (ValueError, RuntimeError):
                self.session.close()
                raise
            self.get_logger().info('viewer window open (MuJoCo viewer, updated every step)')

        reliable = QoSProfile(depth=10, reliability=ReliabilityPolicy.RELIABLE)
        images = QoSProfile(
            depth=5,
            reliability=ReliabilityPolicy.RELIABLE
            if s.reliable_images
            else ReliabilityPolicy.BEST_EFFORT,
        )
        # Only a best-effort publisher can meet subscribers it cannot serve (reliable ones).
        best_effort_images = not s.reliable_images
        self._pub_clock = (
            self._publisher(ClockMsg, names.CLOCK, reliable) if s.publish_clock else None
        )
        self._pub_joints = self._publisher(JointState, names.JOINT_STATES, reliable)
        self._pub_tf = self._publisher(TFMessage, names.TF, QoSProfile(depth=100))
        self._pub_tf_static = self._publisher(TFMessage, names.TF_STATIC, LATCHED)
        self._pub_description = self._publisher(String, names.ROBOT_DESCRIPTION, LATCHED)
        self._pub_markers = self._publisher(MarkerArray, names.MARKERS, reliable)
        self._pub_observation = self._publisher(Observation, names.OBSERVATION, reliable)
        self._pub_step_info = self._publisher(StepInfo, names.STEP_INFO, STEP_INFO)
        self._pub_cameras = {
            camera: (
                self._publisher(Image, names.image_topic(camera), images, best_effort_images),
                self._publisher(
                    CameraInfo, names.camera_info_topic(camera), images, best_effort_images
                ),
                telemetry.camera_intrinsics(self.session.sim, camera, s.image_size),
                self._prefix + names.optical_frame(camera),
            )
            for camera in s.cameras
        }
        self._pub_previews = {
            camera: self._publisher(
                Image, names.image_preview_topic(camera), images, best_effort_images
            )
            for camera in s.cameras
        }
        self._pub_tf_preview = self._publisher(TFMessage, names.TF_PREVIEW, reliable)
        self._pub_markers_preview = self._publisher(MarkerArray, names.MARKERS_PREVIEW, reliable)
        self._last_preview = -math.inf
        self._preview_renderer = None  # made for the first preview nobody else renders
        self._pub_step_batches = self._publisher(StepInfoArray, names.STEP_INFO_BATCHES, reliable)
        # StepInfos not sent yet (the service thread appends, the executor's timer sends).
        self._unsent_steps = deque(maxlen=MAX_UNSENT_STEPS)
        steady = Clock(clock_type=ClockType.STEADY_TIME)
        self.create_timer(s.preview_period, self._send_step_batch, clock=steady)

        self.create_subscription(Intervention, names.INTERVENTION, self._on_intervention, reliable)
        self.create_subscription(
            EpisodeEvent, names.EPISODE_EVENT, self._on_episode_event, QoSProfile(depth=100)
        )
        self._policy = None  # (action, monotonic time received), realtime mode
        self._last_human_step = -float('inf')
        # Whether the latest intervention came from a person (paced) or the synthetic human.
        self._person_overrides = True
        self._rtf_samples = deque()
        self._start = PersonStart(s.session.intervention_timeout)
        if s.mode == 'realtime':
            self._pub_rtf = self._publisher(Float64, names.REAL_TIME_FACTOR, reliable)
            self.create_subscription(
                Float32MultiArray, names.ACTION, self._on_action, QoSProfile(depth=1)
            )
            # A steady clock: the node's own /clock must never pace it (use_sim_time).
            self.create_timer(self.session.control_dt, self._on_tick, clock=steady)

        self._pub_description.publish(String(data=self.session.sim.urdf()))
        self._pub_tf_static.publish(
            rm.TfMessages(self._prefix).msg(
                telemetry.static_transforms(self.session.sim, layout.CAMERAS), 0
            )
        )
        with self.session.lock:
            state = self.snapshot(None)
        self.publish_state(state)
        self._service_thread = ServiceThread(
            self,
            {names.STEP: (Step, self.on_step), names.RESET: (Reset, self.on_reset)},
            REQUESTS_QOS,
        )
        self.get_logger().info(
            f'ready: mode={s.mode}, control period {self.session.control_dt:g} s, '
            f'image_obs={s.session.image_obs}, action_space={s.session.action_space} '
            f'{self.session.action_shape}, cameras={list(s.cameras)} '
            f'{s.image_size[0]}x{s.image_size[1]}, seed={s.session.seed}'
        )
        self._gate = self._recorder_gate()

    def _publisher(self, msg_type, topic, qos, warn_incompatible=False):
        """
        Create a publisher; without warn_incompatible, no QoS event handlers.

        Each handler is an entity the executor rebuilds its wait set with at every wake-up,
        which costs measurable time per Step; reliable volatile or transient-local publishers
        are compatible with every subscriber anyway.
        """
        return self.create_publisher(
            msg_type,
            topic,
            qos,
            event_callbacks=None if warn_incompatible else _NO_EVENT_CALLBACKS,
        )

    def _parameter_values(self):
        for name, (default, description) in PARAMETERS.items():
            self.declare_parameter(
                name,
                default,
                ParameterDescriptor(description=description, dynamic_typing=True, read_only=True),
            )
        values = {name: self.get_parameter(name).value for name in PARAMETERS}
        # Overrides of names nobody declared would otherwise be ignored without a word.
        overrides = getattr(self, '_parameter_overrides', {})
        values.update(
            {
                name: override.value
                for name, override in overrides.items()
                if not self.has_parameter(name)
            }
        )
        return values

    # Services: request -> (response, publish the new state) --------------------------------

    def on_step(self, request):
        """Apply one action (or the human's override) for one control period."""
        response = Step.Response()
        if request.probe:
            return _probe_answer(response)
        if self.settings.mode != 'lockstep':
            return self._refuse(
                response,
                'Step is served in lockstep mode only (mode=realtime: '
                'publish actions on the `action` topic)',
            )
        if deadline_passed(request.deadline, time.time_ns()):
            return self._refuse(response, _STALE.format('Step'))
        if self.settings.pace_human and self._person_overrides and self.session.human_active():
            self._pace()
        try:
            outcome = self.session.step(np.asarray(request.action))
        except Refused as error:
            return self._refuse(response, str(error))
        response.ok = True
        response.observation = rm.observation_msg(
            outcome.observation, outcome.stamp_ns, self._prefix
        )
        response.reward = outcome.reward
        response.terminated = outcome.terminated
        response.truncated = outcome.truncated
        response.info = rm.step_info_msg(outcome)
        # Published after the response, so the caller need not wait for it.
        return response, lambda: self.publish_step(outcome, response.observation, response.info)

    def on_reset(self, request):
        """Start an episode (seed, options as JSON)."""
        response = Reset.Response()
        if request.probe:
            return _probe_answer(response)
        if deadline_passed(request.deadline, time.time_ns()):
            return self._refuse(response, _STALE.format('Reset'))
        try:
            options = rm.parse_options(request.options_json)
            with self.session.lock:
                observation, info = self.session.reset(
                    request.seed if request.use_seed else None, options
                )
                state = self.snapshot(observation)
        except (Refused, ValueError) as error:
            return self._refuse(response, f'reset refused: {error}')
        self._policy = None  # realtime: a new episode never runs the last one's action
        response.ok = True
        response.observation = rm.observation_msg(observation, state.stamp_ns, self._prefix)
        response.info_json = json.dumps(info)
        return response, lambda: self.publish_state(state, response.observation)

    def publish_reset(self, state, observation):
        """Publish the state a session reset left (the embedded env resets the session itself)."""
        self.publish_state(state, rm.observation_msg(observation, state.stamp_ns, self._prefix))

    def _pace(self):
        """Let human steps follow at most one per control period of wall time (lockstep)."""
        wait = self._last_human_step + self.session.control_dt - time.monotonic()
        if wait > 0.0:
            time.sleep(wait)
        self._last_human_step = time.monotonic()

    def _refuse(self, response, error):
        self._log.warning(error.split(':')[0], error)
        response.ok = False
        response.error = error
        return response, None

    # Inputs -----------------------------------------------------------------------------------

    def _on_intervention(self, msg):
        frame = msg.header.frame_id
        frame = (
            frame[len(self._prefix) :]
            if self._prefix and frame.startswith(self._prefix)
            else frame
        )
        try:
            if frame not in TWIST_FRAMES:
                raise Refused(
                    f'intervention refused: twist frame {msg.header.frame_id!r} is not '
                    f'one of {[self._prefix + f for f in TWIST_FRAMES if f]}'
                )
            stamp = msg.header.stamp  # sim time from our teleop nodes; unstamped: zero
            if not self.session.set_intervention(
                *rm.intervention_command(msg),
                stamp_ns=stamp_ns(stamp) if stamp.sec or stamp.nanosec else None,
            ):
                self.get_logger().debug(
                    f'override from {msg.source or "?"} stamped before episode '
                    f'{self.session.episode} began: not taken'
                )
                return
            self._person_overrides = msg.source != names.SYNTHETIC_HUMAN
            if self._start.on_override(msg.active, time.monotonic()):
                self.get_logger().info(
                    f'realtime: episode {self.session.episode} started: '
                    f'{msg.source or "?"} took over'
                )
        except Refused as error:
            self._log.warning('intervention', f'{error} (from {msg.source or "?"})')

    def _on_episode_event(self, msg):
        if self._start.waiting:  # it would end the held episode at its first step
            self._log.warning(
                'event while waiting',
                f'human episode event {msg.event} ignored: '
                f'episode {self.session.episode} waits for a person to take over',
            )
            return
        try:
            if self.session.queue_event(msg.event):
                self._log.info(
                    f'event {msg.event}',
                    f'human episode event {msg.event} from '
                    f'{msg.source or "?"} queued for the next step',
                )
        except Refused as error:
            self._log.warning('episode event', str(error))

    def _on_action(self, msg):
        try:
            self._policy = (self.session.check_action(np.asarray(msg.data)), time.monotonic())
        except Refused as error:
            self._log.warning('action', f'action refused: {error}')

    # Realtime loop ----------------------------------------------------------------------------

    def _on_tick(self):
        if not self._gate.open and not self._recorder_ready():
            return
        policy = self._policy
        policy_acted = (
            policy is not None and time.monotonic() - policy[1] <= self.settings.action_timeout
        )
        action = policy[0] if policy_acted else self.session.hold_action()
        if self._start.waiting:
            return
        with self.session.lock:
            if self.session.episode_running:
                outcome = self.session.step(action)
                observation = outcome.observation
            else:
                outcome = None
                observation, info = self.session.reset()
            state = self.snapshot(observation)
        if outcome is None:
            if self.settings.wait_for_person:
                self._start.hold()
                self.get_logger().info(
                    f'realtime: episode {info["episode"]} waits for a person '
                    'to take over (wait_for_person)'
                )
            else:
                self.get_logger().info(f'realtime: episode {info["episode"]} started (auto-reset)')
            self.publish_state(
                state, rm.observation_msg(observation, state.stamp_ns, images=False)
            )
        else:
            self._after_step(
                outcome,
                state,
                rm.observation_msg(observation, outcome.stamp_ns, images=False),
                rm.step_info_msg(outcome, policy_acted),
            )
        self._publish_rtf(state.stamp_ns)

    def _recorder_gate(self):
        """Return the gate of the first realtime episode: open unless a recorder is named."""
        s = self.settings
        gate = RecorderGate(
            s.recorder if s.mode == 'realtime' else '', s.recorder_timeout, time.monotonic()
        )
        if not gate.open:
            self.create_subscription(
                String, s.recorder + '/status', self._on_recorder_status, LATCHED
            )
            self.get_logger().info(
                f'realtime: episode 1 waits for the recorder {s.recorder} to record this '
                f'simulator (at most {s.recorder_timeout:g} s)'
            )
        return gate

    def _on_recorder_status(self, msg):
        try:
            read = self._gate.on_status(json.loads(msg.data))
        except ValueError:
            read = False
        if not read:
            self._log.warning('recorder status', f'unreadable recorder status: {msg.data[:80]!r}')

    def _recorder_ready(self):
        """Check the recorder gate (before the first realtime episode); return True once open."""
        publishers = {p.topic_name: p for p in self.publishers}
        endpoints = {
            topic: self._endpoints(publishers[topic]) for topic in self._gate.wanted(publishers)
        }
        outcome = self._gate.check(endpoints, time.monotonic())
        recorder = self.settings.recorder
        if outcome == 'open':
            self.get_logger().info(
                f'realtime: the recorder {recorder} records this simulator '
                f'({", ".join(sorted(endpoints)) or "none of its topics"}): episode 1 starts'
            )
        elif outcome == 'timeout':
            self.get_logger().error(
                f'realtime: the recorder {recorder} did not record this simulator within '
                f'{self._gate.timeout_s:g} s (waiting for {", ".join(self._gate.missing)}): '
                'episode 1 starts without it, and the bag may miss its start'
            )
        return self._gate.open

    def _endpoints(self, publisher):
        """Return Endpoints of one of our publishers: matched, compatible and recorder's."""
        compatible = [
            info
            for info in self.get_subscriptions_info_by_topic(publisher.topic_name)
            if _compatible(publisher.qos_profile, info.qos_profile)
        ]
        recorder = self.settings.recorder
        return Endpoints(
            matched=publisher.get_subscription_count(),
            shown=len(compatible),
            by_recorder=sum(
                f'{info.node_namespace.rstrip("/")}/{info.node_name}' == recorder
                for info in compatible
            ),
        )

    def _publish_rtf(self, sim_ns):
        now = time.monotonic()
        samples = self._rtf_samples
        samples.append((now, sim_ns))
        while now - samples[0][0] > RTF_WINDOW_S:
            samples.popleft()
        if len(samples) > 1 and now > samples[0][0]:
            rtf = (sim_ns - samples[0][1]) * 1e-9 / (now - samples[0][0])
            self._pub_rtf.publish(Float64(data=rtf))

    # Publishing -------------------------------------------------------------------------------

    def snapshot(self, observation):
        """Take the state to publish, under the session lock: images of cameras with receivers."""
        cameras = [
            camera
            for camera, (image_pub, info_pub, _, _) in self._pub_cameras.items()
            if _wanted(image_pub) or _wanted(info_pub)
        ]
        # Previews at most every preview period (a fifth less: ticks of the realtime timer at
        # the same rate jitter, and must each get one).
        now = time.monotonic()
        due = now - self._last_preview >= 0.8 * self.settings.preview_period
        previews = (
            [camera for camera, pub in self._pub_previews.items() if _wanted(pub)] if due else []
        )
        tf_preview = due and _wanted(self._pub_tf_preview)
        markers_preview = due and _wanted(self._pub_markers_preview)
        if previews or tf_preview or markers_preview:
            self._last_preview = now
        if self.window is not None:
            self.window.sync()
        # A preview of a frame rendered or observed anyway is that frame; the others are
        # rendered beside the simulation.
        size = self.settings.image_size
        observed = telemetry.observed_images(observation, size) if previews else {}
        at_hand = [camera for camera in previews if camera in cameras or camera in observed]
        tf = _wanted(self._pub_tf)
        state = telemetry.snapshot(
            self.session,
            sorted(set(cameras) | set(at_hand)),
            size,
            observation,
            links=tf or tf_preview,
        )
        state.raw_cameras, state.previews = tuple(cameras), tuple(at_hand)
        state.tf, state.tf_preview, state.markers_preview = tf, tf_preview, markers_preview
        others = [camera for camera in previews if camera not in at_hand]
        if others:
            if self._preview_renderer is None:
                self._preview_renderer = PreviewRenderer(
                    self.session.sim.model, size, self._publish_preview, self.get_logger()
                )
            self._preview_renderer.submit(self.session.sim.data, state.stamp_ns, others)
        return state

    def _publish_preview(self, camera, pixels, stamp_ns):
        self._pub_previews[camera].publish(
            rm.image_msg(pixels, stamp_ns, self._pub_cameras[camera][3])
        )

    def publish_step(self, outcome, observation_msg=None, info=None):
        """Publish the state a session step left (the embedded env steps the session itself)."""
        with self.session.lock:
            state = self.snapshot(outcome.observation)
        if observation_msg is None:
            observation_msg = rm.observation_msg(
                outcome.observation, outcome.stamp_ns, self._prefix
            )
        self._after_step(outcome, state, observation_msg, info or rm.step_info_msg(outcome))

    def _after_step(self, outcome, state, observation_msg, info):
        self.publish_state(state, observation_msg)
        if self.settings.mode == 'realtime' or _wanted(self._pub_step_info):  # (history)
            self._pub_step_info.publish(info)
        if _wanted(self._pub_step_batches):
            self._unsent_steps.append(info)
        if outcome.ignored_events:
            self._log.warning(
                'ignored events',
                f'human event(s) {outcome.ignored_events} '
                f'ignored: an earlier event already ended episode {outcome.episode}',
            )
        if outcome.terminated or outcome.truncated:
            kind = 'terminated' if outcome.terminated else 'truncated'
            self.get_logger().info(
                f'episode {outcome.episode} {kind} at step {outcome.step}: reward '
                f'{outcome.reward:g}, success {outcome.info["succeed"]}, human event '
                f'{outcome.info["human_event"]}, physics error {outcome.info["physics_error"]}'
            )

    def publish_state(self, state, observation_msg=None):
        """Publish a snapshot on every topic somebody receives (building messages costs time)."""
        ns = state.stamp_ns
        if _wanted(self._pub_clock):
            self._pub_clock.publish(rm.clock_msg(ns))
        if _wanted(self._pub_joints):
            self._pub_joints.publish(rm.joint_state_msg(state))
        if state.transforms:
            with self._reused_messages:
                tf = self._tf.msg(state.transforms, ns)
                if state.tf:
                    self._pub_tf.publish(tf)
                if state.tf_preview:
                    self._pub_tf_preview.publish(tf)
        for camera, pixels in state.images.items():
            image_pub, info_pub, intrinsics, frame = self._pub_cameras[camera]
            image = rm.image_msg(pixels, ns, frame)
            if camera in state.raw_cameras:
                image_pub.publish(image)
                info_pub.publish(rm.camera_info_msg(intrinsics, ns, frame))
            if camera in state.previews:
                self._pub_previews[camera].publish(image)
        markers_wanted = _wanted(self._pub_markers)
        if markers_wanted or state.markers_preview:
            with self._reused_messages:
                markers = self._markers.msg(state)
                if markers_wanted:
                    self._pub_markers.publish(markers)
                if state.markers_preview:
                    self._pub_markers_preview.publish(markers)
        if observation_msg is not None and _wanted(self._pub_observation):
            if observation_msg.images or not observation_msg.environment_state:
                # The state part, with the cube position in image mode too: scripted helpers
                # (the synthetic human) steer by it.
                observation_msg = Observation(
                    header=observation_msg.header,
                    agent_pos=observation_msg.agent_pos,
                    environment_state=[float(v) for v in state.block_pose[0]],
                )
            self._pub_observation.publish(observation_msg)

    def _send_step_batch(self):
        """Send the StepInfos of the steps since the last batch (none: nothing sent)."""
        batch = StepInfoArray()
        while self._unsent_steps:
            batch.steps.append(self._unsent_steps.popleft())
        if batch.steps and _wanted(self._pub_step_batches):
            self._pub_step_batches.publish(batch)

    def close(self):
        """Stop serving Step / Reset, then release the renderers."""
        self._service_thread.close()
        if self._preview_renderer is not None:
            self._preview_renderer.close()
        if self.window is not None:
            self.window.close()
        self.session.close()


_STALE = (
    '{} refused: its deadline passed before it reached the simulator (the client stopped '
    'waiting for it); nothing was done'
)


def _probe_answer(response):
    response.ok = False
    response.error = 'probe'
    return response, None


def _compatible(offered, requested):
    """
    Tell whether a subscription's QoS can match a publisher's, by what our graph varies.

    (rclpy's qos_check_compatible reads the graph's infinite deadline and lease as set, the
    publisher's default as unset, and calls every such pair an error.)
    """
    return not (
        requested.reliability == ReliabilityPolicy.RELIABLE
        and offered.reliability == ReliabilityPolicy.BEST_EFFORT
    ) and not (
        requested.durability == DurabilityPolicy.TRANSIENT_LOCAL
        and offered.durability == DurabilityPolicy.VOLATILE
    )


def _wanted(publisher):
    return publisher is not None and publisher.get_subscription_count() > 0


def main(args=None):
    return run_node(SimNode, args)


if __name__ == '__main__':
    sys.exit(main())
