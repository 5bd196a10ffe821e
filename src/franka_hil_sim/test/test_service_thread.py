# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""ServiceThread: answers first, publishes after, survives a failing handler, stops cleanly."""

import os
import threading
import time

from franka_hil_msgs.srv import Reset
from franka_hil_sim.node.service_thread import ServiceThread
import rclpy
from rclpy.qos import QoSProfile
from rclpy.signals import SignalHandlerOptions


def test_answers_then_follows_up_and_survives_a_failing_handler(ros_node, spin):
    context = rclpy.Context()
    rclpy.init(context=context, signal_handler_options=SignalHandlerOptions.NO)
    server = rclpy.create_node(f'service_thread_test_{os.getpid()}', context=context)
    answered = threading.Event()
    followed_up = []

    def handler(request):
        if request.options_json == 'fail':
            raise KeyError('a bug')
        response = Reset.Response(ok=True, info_json=request.options_json)
        if request.options_json != 'one':
            return response, None
        # The follow-up runs once the response is out: it waits for the client to hold it.
        return response, lambda: followed_up.append(answered.wait(10))

    served = ServiceThread(server, {'reset': (Reset, handler)}, QoSProfile(depth=10))
    thread = f'{server.get_name()}_services'
    assert thread in [t.name for t in threading.enumerate()]
    client = ros_node.create_client(Reset, f'{server.get_namespace().rstrip("/")}/reset')
    try:
        spin(ros_node, client.service_is_ready, 30, 'the reset service')

        def call(text):
            future = client.call_async(Reset.Request(options_json=text))
            spin(ros_node, future.done, 30, f'the answer to {text!r}')
            return future.result()

        # Discovery may drop the very first responses; repeat until one arrives.
        spin(ros_node, lambda: _answered(ros_node, client), 30, 'a first answer')
        answer = call('one')
        assert answer.ok and answer.info_json == 'one'
        answered.set()
        spin(ros_node, lambda: followed_up == [True], 10, 'the follow-up after the answer')
        answer = call('fail')
        assert not answer.ok and 'internal error' in answer.error and 'a bug' in answer.error
        assert call('two').ok  # still serving
    finally:
        answered.set()
        served.close()
        thread_names = [t.name for t in threading.enumerate()]
        server.destroy_node()
        context.try_shutdown()
    assert thread not in thread_names


def _answered(node, client):
    future = client.call_async(Reset.Request(options_json='probe'))
    end = time.monotonic() + 2.0
    while not future.done() and time.monotonic() < end:
        node.executor_for_test.spin_once(timeout_sec=0.05)
    if not future.done():
        client.remove_pending_request(future)
    return future.done()


def test_close_does_not_hang_on_a_hanging_handler(ros_node, spin, monkeypatch):
    from franka_hil_sim.node import service_thread

    monkeypatch.setattr(service_thread, 'STOP_TIMEOUT_S', 0.5)
    context = rclpy.Context()
    rclpy.init(context=context, signal_handler_options=SignalHandlerOptions.NO)
    server = rclpy.create_node(f'service_thread_hang_{os.getpid()}', context=context)
    entered, release = threading.Event(), threading.Event()

    def handler(request):
        if request.options_json == 'probe':
            return Reset.Response(ok=False, error='probe'), None
        entered.set()
        release.wait(30)
        return Reset.Response(ok=True), None

    served = ServiceThread(server, {'reset': (Reset, handler)}, QoSProfile(depth=10))
    client = ros_node.create_client(Reset, f'{server.get_namespace().rstrip("/")}/reset')
    try:
        spin(ros_node, client.service_is_ready, 30, 'the reset service')
        spin(ros_node, lambda: _answered(ros_node, client), 30, 'a first answer')
        client.call_async(Reset.Request())
        spin(ros_node, entered.is_set, 30, 'the handler to start')
        start = time.monotonic()
        served.close()
        assert time.monotonic() - start < 5.0
    finally:
        release.set()
        server.destroy_node()
        context.try_shutdown()
