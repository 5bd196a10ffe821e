# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""synthetic_human_node -> joy -> teleop_node, both as processes: the expert's action comes out."""

import os
from pathlib import Path
import signal

from builtin_interfaces.msg import Time
from franka_hil_common.actions import twist_to_action
from franka_hil_msgs.msg import EpisodeEvent, Intervention, Observation, StepInfo
import numpy as np


PERIOD_NS = 100_000_000


def observation(tcp, cube, gripper=0.0, stamp_ns=0):
    agent_pos = [0.0] * 18
    agent_pos[14] = gripper * 255.0
    agent_pos[15:18] = tcp
    msg = Observation(agent_pos=agent_pos, environment_state=list(cube))
    msg.header.stamp = stamp(stamp_ns)
    return msg


def stamp(ns):
    return Time(sec=ns // 1_000_000_000, nanosec=ns % 1_000_000_000)


def test_expert_played_through_the_real_teleop_chain(
    start_process, executable, namespace, ros_node, inbox, spin, scripted_expert, handshake
):
    ros_args = ['--ros-args', '-r', f'__ns:={namespace}']
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join([str(Path(__file__).parent), os.environ.get('PYTHONPATH', '')]),
    )
    teleop = start_process([executable('teleop_node')] + ros_args + ['-p', 'source:=script'])
    human = start_process(
        [executable('synthetic_human_node')]
        + ros_args
        + ['-p', 'expert:=scripted_expert:LiftExpert'],
        env=env,
    )
    teleop.wait_for_output("pad 'game_controller'")
    human.wait_for_output('playing scripted_expert:LiftExpert')
    obs_pub = ros_node.create_publisher(Observation, f'{namespace}/observation', 10)
    info_pub = ros_node.create_publisher(StepInfo, f'{namespace}/step_info', 10)
    interventions = inbox(Intervention, f'{namespace}/intervention')
    events = inbox(EpisodeEvent, f'{namespace}/episode_event', 100)
    spin(
        ros_node,
        lambda: (
            obs_pub.get_subscription_count() > 0
            and info_pub.get_subscription_count() > 0
            and interventions.sub.get_publisher_count() > 0
            and events.sub.get_publisher_count() > 0
        ),
        what='topics matched',
    )

    cube = (0.5, 0.0, 0.02)
    # The handshake may send several observations before the first answer comes back, and the
    # rest are answered later: its TCP is chosen so that its command differs from every one of
    # the trajectory below, and those late answers are recognised and skipped.
    handshake_tcp = (0.47, 0.0, 0.078)
    handshake_command = scripted_expert.LiftExpert().act(
        np.float32(handshake_tcp), np.float32(cube), 0.0
    )
    handshake(
        ros_node,
        lambda: obs_pub.publish(observation(handshake_tcp, cube)),
        lambda: len(interventions) > 0,
        what='command through both nodes',
    )
    spin(ros_node, lambda: 'expert reset' in human.output(), what='first episode log')
    interventions.messages.clear()
    expert = scripted_expert.LiftExpert()

    def executed(command):
        return twist_to_action(
            [command.twist.linear.x, command.twist.linear.y, command.twist.linear.z],
            command.gripper,
        )

    def late_handshake_answers():
        while interventions.messages and np.array_equal(
            executed(interventions.messages[0]), handshake_command
        ):
            interventions.messages.pop(0)
        return interventions.messages

    trajectory = [
        ((0.49, 0.0, 0.078), cube, 0.0),
        ((0.495, 0.0, 0.05), cube, 0.0),
        ((0.5, 0.0, 0.025), cube, 0.0),
        ((0.5, 0.0, 0.025), cube, 1.0),
    ]
    trajectory += [((0.5, 0.0, z), (0.5, 0.0, z - 0.005), 1.0) for z in (0.05, 0.075, 0.1)]
    for k, (tcp, cube_pos, gripper) in enumerate(trajectory):
        expected = expert.act(np.float32(tcp), np.float32(cube_pos), gripper)
        assert not np.array_equal(expected, handshake_command)
        count = len(late_handshake_answers())
        obs_pub.publish(observation(tcp, cube_pos, gripper, k * PERIOD_NS))
        spin(
            ros_node, lambda: len(late_handshake_answers()) > count, what=f'command for tcp {tcp}'
        )
        command = interventions.messages[count]
        assert command.active and command.source == 'script'
        np.testing.assert_array_equal(executed(command), expected)
    # Lifted 5 cm above its start: the success button, once.
    spin(ros_node, lambda: len(events) >= 1, what='success event')
    assert [e.event for e in events.messages] == [EpisodeEvent.SUCCESS]

    # End of episode, then a reset observation whose TCP did not jump: only step_info can
    # tell, by its stamp. Observations and step infos travel on different topics, so repeat
    # (later) observations until one is read after the step info.
    end_ns = (len(trajectory) - 1) * PERIOD_NS
    info = StepInfo(episode=1, step=len(trajectory), terminated=True)
    info.header.stamp = stamp(end_ns)
    info_pub.publish(info)
    for k in range(1, 11):
        count = len(interventions)
        obs_pub.publish(observation((0.5, 0.0, 0.1), cube, 1.0, end_ns + k * PERIOD_NS))
        spin(ros_node, lambda: len(interventions) > count, what='command in episode 2')
        if 'episode 2: expert reset' in human.output():
            break
    human.wait_for_output('episode 2: expert reset')
    assert 'episode 3' not in human.output()

    # The person lets go of the pad when the synthetic human stops: the teleop releases.
    assert human.stop(signal.SIGINT) == 0
    spin(ros_node, lambda: not interventions.messages[-1].active, what='release on stop')
    assert len(events) == 1
