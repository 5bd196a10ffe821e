# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
SB3's SAC with its gradient update overlapped with the next env step, as an async learner.

SB3 steps the env, then trains, serially. The graph-backed env's step mostly waits on another
process (the sim node renders the cameras), and torch releases the GIL inside its ops, so
`OverlappedSAC.train` runs SAC's own `train` (unchanged) in a worker thread and returns at
once: the loop steps the env while the update runs, and the next `train` call first joins it.
Updates per env step stay `gradient_steps`; the policy acts with weights at most one update
old (HIL-SERL's actor acts with weights seconds old). The acting side uses a snapshot of the
policy, refreshed after each join, so it never reads weights the worker is writing; the replay
buffer guards add and sample with a lock (sb3/buffer.py). After `learn` returns, no update is
running and `predict` uses the trained policy itself, so saving, loading (as a plain SAC) and
evaluating are SB3's.
"""

import copy
import threading
import time
from typing import Any

import numpy as np
from stable_baselines3 import SAC


class OverlappedSAC(SAC):
    """SB3's SAC whose update runs in a worker thread while the loop steps the env."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._worker: threading.Thread | None = None
        self._worker_error: BaseException | None = None
        self._acting: Any = None  # the policy snapshot that acts while learn() runs
        self.update_seconds = 0.0  # wall time the updates took, in the worker
        self.wait_seconds = 0.0  # wall time the loop waited for an update to finish
        super().__init__(*args, **kwargs)

    def train(self, gradient_steps: int, batch_size: int = 64) -> None:
        """Join the running update (refreshing the acting snapshot), then start this one."""
        self.join_update()
        self._worker = threading.Thread(
            target=self._update, args=(gradient_steps, batch_size), name='sac-update'
        )
        self._worker.start()

    def _update(self, gradient_steps: int, batch_size: int) -> None:
        started = time.perf_counter()
        try:
            super().train(gradient_steps, batch_size)
        except BaseException as error:  # raised in the loop's thread at the next join
            self._worker_error = error
        self.update_seconds += time.perf_counter() - started

    def join_update(self) -> None:
        """Wait for the running update; refresh the acting snapshot; raise what it raised."""
        if self._worker is None:
            return
        started = time.perf_counter()
        self._worker.join()
        self.wait_seconds += time.perf_counter() - started
        self._worker = None
        if self._worker_error is not None:
            error, self._worker_error = self._worker_error, None
            raise error
        if self._acting is not None:
            self._acting.actor.load_state_dict(self.actor.state_dict())  # predict's only net

    def predict(
        self,
        observation: np.ndarray | dict[str, np.ndarray],
        state: tuple[np.ndarray, ...] | None = None,
        episode_start: np.ndarray | None = None,
        deterministic: bool = False,
    ) -> tuple[np.ndarray, tuple[np.ndarray, ...] | None]:
        """Act with the snapshot while learn() runs, else with the policy (SB3's predict)."""
        policy = self.policy if self._acting is None else self._acting
        return policy.predict(observation, state, episode_start, deterministic)

    def learn(self, *args: Any, **kwargs: Any) -> 'OverlappedSAC':
        """SB3's learn; the last update is joined before it returns (or raises)."""
        self._acting = copy.deepcopy(self.policy)
        try:
            return super().learn(*args, **kwargs)
        finally:
            try:
                self.join_update()
            finally:
                self._acting = None

    def _excluded_save_params(self) -> list[str]:
        return super()._excluded_save_params() + ['_worker', '_worker_error', '_acting']
