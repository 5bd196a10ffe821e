# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The simulator on the ROS graph: a thin rclpy shell around one HilSession.

Everything that decides (override arbitration, episode rules, refusals) is in hil_session and
every message is built in ros_messages; this node only wires them to topics, services, a timer
and parameters.

Step and Reset are answered on a thread of their own (service_thread: the response goes out
before the step is published on topics), while the executor serves the subscriptions, the
realtime timer and the parameters on the main thread. No callback waits on another, so nothing
can deadlock; concurrent Step callers are queued and served in order, and a human's intervention
arriving during a Step applies from the next one. rclpy's MultiThreadedExecutor was measured
here stalling Steps for up to 1.8 s (median 32 ms) while teleop published.
"""

from collections import deque
import json
import sys
import time

from franka_hil_msgs.msg import EpisodeEvent, Intervention, Observation, StepInfo
from franka_hil_msgs.srv import Reset, Step
from franka_hil_sim import ros_messages as rm
from franka_hil_sim.hil_session import HilSession, optical_frame, parse_options, Refused
from franka_hil_sim.hil_session import TWIST_FRAMES, WORLD_FRAME
from franka_hil_sim.node_main import run_node
from franka_hil_sim.service_thread import ServiceThread
from franka_hil_sim.sim_parameters import PARAMETERS, settings_from
import numpy as np
from rcl_interfaces.msg import ParameterDescriptor
from rclpy.clock import Clock, ClockType
from rclpy.event_handler import PublisherEventCallbacks
from rclpy.node import Node
from rclpy.qos import DurabilityPolicy, QoSProfile, ReliabilityPolicy
from rosgraph_msgs.msg import Clock as ClockMsg
from sensor_msgs.msg import CameraInfo, Image, JointState
from std_msgs.msg import Float32MultiArray, Float64, String
from tf2_msgs.msg import TFMessage
from visualization_msgs.msg import MarkerArray

NODE_NAME = 'sim'
# Sliding window of the published real-time factor (s of wall time).
RTF_WINDOW_S = 2.0
LOG_THROTTLE_S = 2.0
_NO_EVENT_CALLBACKS = PublisherEventCallbacks(use_default_callbacks=False)
REQUEST_QUEUE_DEPTH = 100


class SimNode(Node):
    """One PickCube simulation: lockstep Step/Reset services or a realtime loop; see the table."""

    def __init__(self, **kwargs):
        super().__init__(NODE_NAME, **kwargs)
        self.settings = settings_from(self._parameter_values())
        s = self.settings
        try:
            self.session = HilSession(s.session, logger=self.get_logger())
        except ValueError as error:  # what only the sim core can check (control_rate)
            raise ValueError(f'control_rate={1.0 / s.session.control_dt:g} Hz: {error}') from None
        self._prefix = s.frame_prefix
        self._world = s.frame_prefix + WORLD_FRAME

        reliable = QoSProfile(depth=10, reliability=ReliabilityPolicy.RELIABLE)
        latched = QoSProfile(depth=1, reliability=ReliabilityPolicy.RELIABLE,
                             durability=DurabilityPolicy.TRANSIENT_LOCAL)
        images = QoSProfile(depth=5, reliability=ReliabilityPolicy.RELIABLE if s.reliable_images
                            else ReliabilityPolicy.BEST_EFFORT)
        # Only a best-effort publisher can meet subscribers it cannot serve (reliable ones).
        best_effort_images = not s.reliable_images
        self._pub_clock = self._publisher(ClockMsg, '/clock', reliable) \
            if s.publish_clock else None
        self._pub_joints = self._publisher(JointState, 'joint_states', reliable)
        self._pub_tf = self._publisher(TFMessage, '/tf', QoSProfile(depth=100))
        self._pub_tf_static = self._publisher(TFMessage, '/tf_static', latched)
        self._pub_description = self._publisher(String, 'robot_description', latched)
        self._pub_markers = self._publisher(MarkerArray, 'markers', reliable)
        self._pub_observation = self._publisher(Observation, 'observation', reliable)
        self._pub_step_info = self._publisher(StepInfo, 'step_info', reliable)
        self._pub_cameras = {
            camera: (self._publisher(Image, f'{camera}/image_raw', images, best_effort_images),
                     self._publisher(CameraInfo, f'{camera}/camera_info', images,
                                     best_effort_images),
                     self.session.camera_intrinsics(camera, s.image_size),
                     self._prefix + optical_frame(camera))
            for camera in s.cameras}

        self.create_subscription(Intervention, 'intervention', self._on_intervention, reliable)
        self.create_subscription(EpisodeEvent, 'episode_event', self._on_episode_event,
                                 QoSProfile(depth=100))
        self._policy = None  # (action, monotonic time received), realtime mode
        self._rtf_samples = deque()
        if s.mode == 'realtime':
            self._pub_rtf = self._publisher(Float64, 'real_time_factor', reliable)
            self.create_subscription(Float32MultiArray, 'action', self._on_action,
                                     QoSProfile(depth=1))
            # A steady clock: the node's own /clock must never pace it (use_sim_time).
            self.create_timer(self.session.control_dt, self._on_tick,
                              clock=Clock(clock_type=ClockType.STEADY_TIME))

        self._pub_description.publish(String(data=self.session.sim.urdf()))
        self._pub_tf_static.publish(rm.tf_msg(self.session.static_transforms(), 0, self._prefix))
        with self.session.lock:
            telemetry = self._telemetry(None)
        self._publish_state(telemetry)
        # Requests queue deeper than the default 10, so concurrent callers lose none.
        self._service_thread = ServiceThread(
            self, {'step': (Step, self.on_step), 'reset': (Reset, self.on_reset)},
            QoSProfile(depth=REQUEST_QUEUE_DEPTH))
        self.get_logger().info(
            f'ready: mode={s.mode}, control period {self.session.control_dt:g} s, '
            f'image_obs={s.session.image_obs}, action_space={s.session.action_space} '
            f'{self.session.action_shape}, cameras={list(s.cameras)} '
            f'{s.image_size[0]}x{s.image_size[1]}, seed={s.session.seed}')

    def _publisher(self, msg_type, topic, qos, warn_incompatible=False):
        """
        Create a publisher; without warn_incompatible, no QoS event handlers.

        Each handler is an entity the executor rebuilds its wait set with at every wake-up,
        which costs measurable time per Step; reliable volatile or transient-local publishers
        are compatible with every subscriber anyway.
        """
        return self.create_publisher(msg_type, topic, qos, event_callbacks=None
                                     if warn_incompatible else _NO_EVENT_CALLBACKS)

    def _parameter_values(self):
        for name, (default, description) in PARAMETERS.items():
            self.declare_parameter(name, default, ParameterDescriptor(
                description=description, dynamic_typing=True, read_only=True))
        values = {name: self.get_parameter(name).value for name in PARAMETERS}
        # Overrides of names nobody declared would otherwise be ignored without a word.
        overrides = getattr(self, '_parameter_overrides', {})
        values.update({name: override.value for name, override in overrides.items()
                       if not self.has_parameter(name)})
        return values

    # Services: request -> (response, publish the new state); the embedded env calls them too --

    def on_step(self, request):
        """Apply one action (or the human's override) for one control period."""
        response = Step.Response()
        if request.probe:
            return _probe_answer(response)
        if self.settings.mode != 'lockstep':
            return self._refuse(response, 'Step is served in lockstep mode only (mode=realtime: '
                                'publish actions on the `action` topic)')
        try:
            outcome = self.session.step(np.asarray(request.action))
        except Refused as error:
            return self._refuse(response, str(error))
        response.ok = True
        response.observation = rm.observation_msg(outcome.observation, outcome.stamp_ns,
                                                  self._prefix)
        response.reward = outcome.reward
        response.terminated = outcome.terminated
        response.truncated = outcome.truncated
        response.info = self._step_info(outcome)

        def publish():  # after the response, so the caller need not wait for it
            with self.session.lock:
                telemetry = self._telemetry(outcome.observation)
            self._after_step(outcome, telemetry, response.observation, response.info)
        return response, publish

    def on_reset(self, request):
        """Start an episode (seed, options as JSON)."""
        response = Reset.Response()
        if request.probe:
            return _probe_answer(response)
        try:
            options = parse_options(request.options_json)
            with self.session.lock:
                observation, info = self.session.reset(
                    request.seed if request.use_seed else None, options)
                telemetry = self._telemetry(observation)
        except Refused as error:
            return self._refuse(response, f'reset refused: {error}')
        self._policy = None  # realtime: a new episode never runs the last one's action
        response.ok = True
        response.observation = rm.observation_msg(observation, telemetry.stamp_ns, self._prefix)
        response.info_json = json.dumps(info)
        return response, lambda: self._publish_state(telemetry, response.observation)

    def _refuse(self, response, error):
        self.get_logger().warning(error, throttle_duration_sec=LOG_THROTTLE_S)
        response.ok = False
        response.error = error
        return response, None

    # Inputs -----------------------------------------------------------------------------------

    def _on_intervention(self, msg):
        frame = msg.header.frame_id
        frame = frame[len(self._prefix):] if self._prefix and frame.startswith(
            self._prefix) else frame
        try:
            if frame not in TWIST_FRAMES:
                raise Refused(f'intervention refused: twist frame {msg.header.frame_id!r} is not '
                              f'one of {[self._prefix + f for f in TWIST_FRAMES if f]}')
            self.session.set_intervention(*rm.intervention_command(msg))
        except Refused as error:
            self.get_logger().warning(f'{error} (from {msg.source or "?"})',
                                      throttle_duration_sec=LOG_THROTTLE_S)

    def _on_episode_event(self, msg):
        try:
            if self.session.queue_event(msg.event):
                self.get_logger().info(f'human episode event {msg.event} from '
                                       f'{msg.source or "?"} queued for the next step')
        except Refused as error:
            self.get_logger().warning(str(error), throttle_duration_sec=LOG_THROTTLE_S)

    def _on_action(self, msg):
        try:
            self._policy = (self.session.check_action(np.asarray(msg.data)), time.monotonic())
        except Refused as error:
            self.get_logger().warning(f'action refused: {error}',
                                      throttle_duration_sec=LOG_THROTTLE_S)

    # Realtime loop ----------------------------------------------------------------------------

    def _on_tick(self):
        policy = self._policy
        if policy is None or time.monotonic() - policy[1] > self.settings.action_timeout:
            action = self.session.hold_action()
        else:
            action = policy[0]
        with self.session.lock:
            if self.session.episode_running:
                outcome = self.session.step(action)
                observation = outcome.observation
            else:
                outcome = None
                observation, info = self.session.reset()
            telemetry = self._telemetry(observation)
        if outcome is None:
            self.get_logger().info(f'realtime: episode {info["episode"]} started (auto-reset)')
            self._publish_state(telemetry, rm.observation_msg(observation, telemetry.stamp_ns,
                                                              images=False))
        else:
            self._after_step(outcome, telemetry, rm.observation_msg(
                observation, outcome.stamp_ns, images=False), self._step_info(outcome))
        self._publish_rtf(telemetry.stamp_ns)

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

    def _telemetry(self, observation):
        """Snapshot under the session lock: images only of cameras somebody receives."""
        cameras = [camera for camera, (image_pub, info_pub, _, _) in self._pub_cameras.items()
                   if _wanted(image_pub) or _wanted(info_pub)]
        return self.session.telemetry(cameras, self.settings.image_size, observation,
                                      links=_wanted(self._pub_tf))

    @staticmethod
    def _step_info(outcome):
        return rm.step_info_msg(outcome.info, outcome.reward, outcome.terminated,
                                outcome.truncated, outcome.episode, outcome.step,
                                outcome.stamp_ns)

    def _after_step(self, outcome, telemetry, observation_msg, info):
        self._publish_state(telemetry, observation_msg)
        if _wanted(self._pub_step_info):
            self._pub_step_info.publish(info)
        if outcome.ignored_events:
            self.get_logger().warning(f'human event(s) {outcome.ignored_events} ignored: an '
                                      f'earlier event already ended episode {outcome.episode}')
        if outcome.terminated or outcome.truncated:
            kind = 'terminated' if outcome.terminated else 'truncated'
            self.get_logger().info(
                f'episode {outcome.episode} {kind} at step {outcome.step}: reward '
                f'{outcome.reward:g}, success {outcome.info["succeed"]}, human event '
                f'{outcome.info["human_event"]}, physics error {outcome.info["physics_error"]}')

    def _publish_state(self, telemetry, observation_msg=None):
        """Publish a state on every topic somebody receives (building messages costs time)."""
        ns = telemetry.stamp_ns
        if _wanted(self._pub_clock):
            self._pub_clock.publish(rm.clock_msg(ns))
        if _wanted(self._pub_joints):
            self._pub_joints.publish(rm.joint_state_msg(telemetry))
        if telemetry.transforms:
            self._pub_tf.publish(rm.tf_msg(telemetry.transforms, ns, self._prefix))
        for camera, pixels in telemetry.images.items():
            image_pub, info_pub, intrinsics, frame = self._pub_cameras[camera]
            image_pub.publish(rm.image_msg(pixels, ns, frame))
            info_pub.publish(rm.camera_info_msg(intrinsics, ns, frame))
        if _wanted(self._pub_markers):
            self._pub_markers.publish(rm.markers_msg(
                telemetry, self.session.block_half_size(), self.session.workspace_bounds(),
                self._world))
        if observation_msg is not None and _wanted(self._pub_observation):
            if observation_msg.images or not observation_msg.environment_state:
                # The state part, with the cube position in image mode too: scripted helpers
                # (the synthetic human) steer by it.
                observation_msg = Observation(
                    header=observation_msg.header, agent_pos=observation_msg.agent_pos,
                    environment_state=[float(v) for v in telemetry.block_pose[0]])
            self._pub_observation.publish(observation_msg)

    def close(self):
        """Stop serving Step / Reset, then release the renderers."""
        self._service_thread.close()
        self.session.close()


def _probe_answer(response):
    response.ok = False
    response.error = 'probe'
    return response, None


def _wanted(publisher):
    return publisher is not None and publisher.get_subscription_count() > 0


def main(args=None):
    return run_node(SimNode, args)


if __name__ == '__main__':
    sys.exit(main())
