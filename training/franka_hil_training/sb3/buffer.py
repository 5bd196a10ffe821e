# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
HIL-SERL's data flow for Stable-Baselines3's SAC, through SB3's `replay_buffer_class` hook.

HIL-SERL keeps demonstrations and every step a person drove (with the action the robot
executed, not the policy's) in a second buffer and draws each batch half from it and half from
the online buffer (RLPD's symmetric sampling), so corrections weigh as much as demonstrations
however much the policy itself has collected. SB3's SAC is left as it is: it stores every
transition here with the policy's action; this class swaps in the executed action of a human
step (info['action_intervention'], scaled as SB3 stores actions) and keeps a copy of it.
`add` and `sample` hold a lock, so a learner thread can sample while the loop adds
(sb3/overlapped.py).
"""

import threading

from stable_baselines3.common.buffers import ReplayBuffer
from stable_baselines3.common.type_aliases import ReplayBufferSamples
import torch

EXECUTED_ACTION = 'action_intervention'


class HilReplayBuffer(ReplayBuffer):
    """SB3's replay buffer plus a demonstration + takeover buffer, sampled half and half."""

    def __init__(
        self,
        buffer_size,
        observation_space,
        action_space,
        device='auto',
        n_envs=1,
        optimize_memory_usage=False,
        handle_timeout_termination=True,
        demo_size=100_000,
    ):
        if n_envs != 1:
            raise ValueError(f'HilReplayBuffer takes one env, got n_envs={n_envs}')
        super().__init__(
            buffer_size,
            observation_space,
            action_space,
            device,
            n_envs,
            optimize_memory_usage,
            handle_timeout_termination,
        )
        self.demos = ReplayBuffer(
            demo_size,
            observation_space,
            action_space,
            device,
            n_envs,
            handle_timeout_termination=handle_timeout_termination,
        )
        # set by the trainer: is a step the human's (info -> bool), and the policy's
        # action scaling (env units -> SB3's [-1, 1])
        self.executed_action = None
        self.scale_action = None
        self.demo_frames = 0
        self.lock = threading.Lock()  # add / add_demo / sample: the loop's and a learner's

    def _executed(self, info):
        return self.scale_action(info[EXECUTED_ACTION]).reshape(1, -1)

    def add(self, obs, next_obs, action, reward, done, infos):
        """Store a policy-loop transition; a human step gets the executed action, and a copy."""
        human = self.executed_action(infos[0])
        if human:
            action = self._executed(infos[0])
        with self.lock:
            if human:
                self.demos.add(obs, next_obs, action, reward, done, infos)
                self.demo_frames += 1
            super().add(obs, next_obs, action, reward, done, infos)

    def add_demo(self, obs, next_obs, info, reward, terminated):
        """Store one demonstration step (one env, no batch axis) in the demo buffer only."""
        action = self._executed(info)
        with self.lock:
            self.demos.add(
                obs.reshape(1, -1), next_obs.reshape(1, -1), action, [reward], [terminated], [info]
            )
            self.demo_frames += 1

    def sample(self, batch_size, env=None):
        """Return a batch, half online and half demonstrations + takeovers (all online if none)."""
        with self.lock:
            if self.demos.size() == 0:
                return super().sample(batch_size, env)
            half = batch_size // 2
            online = super().sample(batch_size - half, env)
            offline = self.demos.sample(half, env)
        return ReplayBufferSamples(
            *(None if a is None else torch.cat([a, b]) for a, b in zip(online, offline))
        )

    def __getstate__(self):
        """Pickle without the lock (SB3's save_replay_buffer pickles the buffer)."""
        state = dict(self.__dict__)
        del state['lock']
        return state

    def __setstate__(self, state):
        """Unpickle with a fresh lock."""
        self.__dict__.update(state)
        self.lock = threading.Lock()
