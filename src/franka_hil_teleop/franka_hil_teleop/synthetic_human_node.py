# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
Synthetic human: plays the scripted expert on `joy`, from the simulator's `observation`.

Runs the same path as a person with a pad (joy -> teleop_node -> intervention), so demos and
integration tests exercise the real override chain. mode=always holds the override the whole
time; mode=corrective watches the policy and takes over only while it is off track (intervener),
reporting each episode's intervention rate in the log and on `~/episode_report` (JSON). New
episodes are seen from `step_info` (observations stamped after a terminal step; an unexpected
episode number), from the TCP jumping home and from the arm at rest (a reset zeroes the joint
velocities).
"""

import json

from franka_hil_common import actions, names
from franka_hil_common.messages import stamp_ns
from franka_hil_msgs.msg import Observation, StepInfo
from franka_hil_ros_common.log import RateLimitedLog
from franka_hil_ros_common.node_main import run_node
from franka_hil_ros_common.parameters import declare, one_of, positive
from franka_hil_ros_common.parameters import reject_unknown_parameters
from franka_hil_teleop import pad_map
from franka_hil_teleop.intervener import DESCRIPTIONS, Intervener, IntervenerConfig
from franka_hil_teleop.ros_io import COMMAND_QOS, config_file
from franka_hil_teleop.synthetic_human import load_expert, SyntheticHuman
from franka_hil_teleop.teleop_core import InputState
from franka_hil_teleop.teleop_node import PAD_FAMILIES
from rclpy.node import Node
from sensor_msgs.msg import Joy
from std_msgs.msg import String

MODES = ('always', 'corrective')


class SyntheticHumanNode(Node):
    """Subscribes to `observation` and `step_info`; publishes `joy`."""

    def __init__(self):
        """Declare parameters, load the pad map and the expert, wire topics."""
        super().__init__('synthetic_human')
        pad = declare(
            self,
            'pad',
            'game_controller',
            f'pad family whose Joy layout to produce (must match teleop_node): one of '
            f'{PAD_FAMILIES}',
            lambda v: None if v in PAD_FAMILIES else f'must be one of {PAD_FAMILIES}',
        )
        pad_file = declare(
            self, 'pad_map_file', '', 'path of a pad map YAML file; overrides `pad` when not empty'
        )
        expert = declare(
            self,
            'expert',
            'franka_hil_teleop.expert:PickCubeExpert',
            "expert policy as 'package.module:Class' with reset() and "
            'act(tcp_xyz, cube_xyz, gripper_0_1) -> 4-D EE action',
        )
        lift = declare(
            self,
            'success_lift',
            0.05,
            'press the success button once the cube is this many metres above its start height',
            positive,
        )
        speed = declare(
            self,
            'linear_speed',
            actions.full_scale_speed(),
            "teleop_node's linear_speed (m/s at full stick), to deflect the sticks "
            "so that the executed action equals the expert's",
            positive,
        )
        self.frame_id = declare(self, 'frame_id', 'joy', 'frame_id of the Joy messages')
        mode = declare(
            self,
            'mode',
            'always',
            'always: hold the override and play the expert the '
            'whole time; corrective: watch the policy, take over when it goes off '
            'track (rules: the intervener.* parameters), hand back when it can go on',
            one_of(MODES),
        )
        settings = {
            name: declare(
                self,
                f'intervener.{name}',
                getattr(IntervenerConfig(), name),
                description,
                lambda v: None if v >= 0 else 'must be >= 0',
            )
            for name, description in DESCRIPTIONS.items()
        }
        reject_unknown_parameters(self)
        self.pad = pad_map.load_pad_map(pad_file or config_file(f'teleop_pad_{pad}.yaml'))
        intervener = Intervener(IntervenerConfig(**settings)) if mode == 'corrective' else None
        self.human = SyntheticHuman(self.pad, load_expert(expert), lift, speed, intervener)
        self.report = self.create_publisher(String, '~/episode_report', 10)
        self._log = RateLimitedLog(self.get_logger())
        self.pub = self.create_publisher(Joy, names.JOY, COMMAND_QOS)
        self.create_subscription(StepInfo, names.STEP_INFO, self._on_step_info, COMMAND_QOS)
        self.create_subscription(Observation, names.OBSERVATION, self._on_observation, COMMAND_QOS)
        self.get_logger().info(
            f'playing {expert} ({mode}) on {self.pub.topic_name} as {pad_map.describe(self.pad)}'
        )

    def _on_step_info(self, msg):
        self.human.on_step_info(
            msg.episode, msg.terminated or msg.truncated, stamp_ns(msg.header.stamp)
        )

    def _on_observation(self, msg):
        episodes = self.human.episodes
        try:
            axes, buttons = self.human.on_observation(
                msg.agent_pos, msg.environment_state, stamp_ns(msg.header.stamp)
            )
        except ValueError as err:
            self._log.error('observation', f'cannot play from this observation: {err}')
            return
        if self.human.episodes != episodes:
            self.get_logger().info(f'episode {self.human.episodes}: expert reset')
            for episode, rate in self.human.rates[len(self.human.rates) - 1 :]:
                self.get_logger().info(f'episode {episode}: the human drove {rate:.0%} of it')
                self.report.publish(
                    String(data=json.dumps({'episode': episode, 'intervention_rate': rate}))
                )
        self._publish(axes, buttons, msg.header.stamp)

    def close(self):
        """Let go of the pad: one Joy with nothing pressed, so the teleop releases at once."""
        self._publish(*self.pad.to_joy(InputState()))

    def _publish(self, axes, buttons, stamp=None):
        """
        Publish the pad, stamped with the observation it answers (else now).

        The teleop passes the stamp on, and the simulator takes no override answering a state
        of an episode it has since reset.
        """
        joy = Joy(axes=[float(v) for v in axes], buttons=buttons)
        joy.header.stamp = stamp or self.get_clock().now().to_msg()
        joy.header.frame_id = self.frame_id
        self.pub.publish(joy)


def main(args=None):
    """Console entry point."""
    return run_node(SyntheticHumanNode, args)


if __name__ == '__main__':
    raise SystemExit(main())
