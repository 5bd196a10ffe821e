# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
A node's request/response services answered on a thread of their own, from a private wait set.

Why not the executor: rclpy's executors rebuild their wait set in Python at every wake-up (about
0.2 ms here, a fifth of a whole simulation step), and they send a response only after the
callback returns, so whatever the node publishes about a step would delay its caller. This
thread waits on its services alone, answers first and runs the handler's follow-up (publishing)
after; the node's executor keeps serving subscriptions, timers and parameters on the main thread.
Neither ever waits for the other, so nothing can deadlock.
"""

import threading
import traceback

from rclpy.guard_condition import GuardCondition
from rclpy.impl.implementation_singleton import rclpy_implementation as _rclpy
from rclpy.type_support import check_is_valid_srv_type

# Bounded waits, so a stop is noticed even if its wake-up were missed.
WAIT_SLICE_NS = 500_000_000
# How long close() waits for a request being handled.
STOP_TIMEOUT_S = 10.0


class ServiceThread:
    """
    Serve `services` {name: (srv_type, handler)} of `node` until close().

    handler(request) returns (response, follow_up): the response is sent at once, then
    follow_up() runs (None: nothing). A handler that raises answers ok=False with the error (the
    service types here have ok / error fields) and logs the traceback; the thread keeps serving.
    """

    def __init__(self, node, services, qos_profile):
        self._node = node
        self._stop = False
        self._wake = GuardCondition(None, None, context=node.context)
        self._services = []
        with node.handle:
            for name, (srv_type, handler) in services.items():
                check_is_valid_srv_type(srv_type)  # also loads its type support
                handle = _rclpy.Service(
                    node.handle, srv_type, name, qos_profile.get_c_qos_profile()
                )
                self._services.append((handle, srv_type, handler))
        self._wait_set = _rclpy.WaitSet(0, 1, 0, 0, len(self._services), 0, node.context.handle)
        self._thread = threading.Thread(
            target=self._serve, name=f'{node.get_name()}_services', daemon=True
        )
        self._thread.start()

    def _serve(self):
        while not self._stop:
            wait_set = self._wait_set
            wait_set.clear_entities()
            for handle, _, _ in self._services:
                wait_set.add_service(handle)
            with self._wake.handle:
                wait_set.add_guard_condition(self._wake.handle)
                wait_set.wait(WAIT_SLICE_NS)
            for handle, srv_type, handler in self._services:
                while not self._stop:
                    taken = handle.service_take_request(srv_type.Request)
                    if taken is None or taken[0] is None:
                        break
                    self._answer(handle, srv_type, handler, *taken)

    def _answer(self, handle, srv_type, handler, request, header):
        try:
            response, follow_up = handler(request)
        except Exception as error:  # a bug: say so to the caller and in the log, keep serving
            self._node.get_logger().error(f'{handle.name} failed:\n{traceback.format_exc()}')
            response = srv_type.Response(ok=False, error=f'internal error: {error!r}')
            follow_up = None
        try:
            handle.service_send_response(response, header.request_id)
        except Exception as error:  # the caller may be gone
            self._node.get_logger().warning(f'{handle.name}: response not sent: {error}')
        if follow_up is not None:
            try:
                follow_up()
            except Exception:
                self._node.get_logger().error(
                    f'{handle.name}: publishing failed:\n{traceback.format_exc()}'
                )

    def close(self):
        """Stop serving (a request being handled is answered first) and destroy the services."""
        if self._stop:
            return
        self._stop = True
        self._wake.trigger()
        self._thread.join(STOP_TIMEOUT_S)
        if self._thread.is_alive():  # a handler hangs: say so, never hang the shutdown too
            self._node.get_logger().error(
                f'{self._thread.name}: a request handler did not return within '
                f'{STOP_TIMEOUT_S:g} s; its services are left to the process exit'
            )
            return
        for handle, _, _ in self._services:
            handle.destroy_when_not_in_use()
        self._wake.destroy()
