# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The far side of test_interfaces_roundtrip, run as a separate process.

It echoes every custom message and serves Step/Reset with answers derived from the request, so
the test can check each field after a real trip through DDS and the generated type support.
"""

import json

import franka_hil_msgs.msg as msg
import franka_hil_msgs.srv as srv
import rclpy
from rclpy.node import Node
from rclpy.qos import QoSProfile, ReliabilityPolicy
from sensor_msgs.msg import Image

MESSAGE_TYPES = {
    'intervention': msg.Intervention,
    'episode_event': msg.EpisodeEvent,
    'step_info': msg.StepInfo,
    'step_infos': msg.StepInfoArray,
    'observation': msg.Observation,
}


class InterfacePeer(Node):
    """Echo each topic on <topic>_echo; Step and Reset return functions of their requests."""

    def __init__(self):
        super().__init__('interface_peer')
        qos = QoSProfile(depth=10, reliability=ReliabilityPolicy.RELIABLE)
        self._keep = []
        for topic, msg_type in MESSAGE_TYPES.items():
            pub = self.create_publisher(msg_type, topic + '_echo', qos)
            self._keep.append(self.create_subscription(msg_type, topic, pub.publish, qos))
        self.create_service(srv.Step, 'step', self.step)
        self.create_service(srv.Reset, 'reset', self.reset)

    def step(self, request, response):
        response.ok = True
        response.error = 'probe' if request.probe else ''
        response.observation.agent_pos = [2.0 * a for a in request.action]
        response.observation.image_names = ['front']
        image = Image(height=2, width=3, encoding='rgb8', step=9, data=bytes(range(18)))
        response.observation.images = [image]
        response.reward = float(sum(request.action))
        response.terminated = len(request.action) == 4
        response.info.action = list(request.action)
        response.info.is_intervention = True
        return response

    def reset(self, request, response):
        response.ok = request.use_seed
        response.error = 'probe' if request.probe else ''
        response.observation.environment_state = [float(request.seed), 0.0, 0.0]
        response.info_json = json.dumps({'options': json.loads(request.options_json or '{}')})
        return response


def main():
    rclpy.init()
    node = InterfacePeer()
    node.get_logger().info('ready')
    try:
        rclpy.spin(node)
    except KeyboardInterrupt:
        pass
    finally:
        node.destroy_node()
        rclpy.try_shutdown()


if __name__ == '__main__':
    main()
