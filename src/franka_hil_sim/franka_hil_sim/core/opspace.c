// Copyright 2026 franka-hil developers
// SPDX-License-Identifier: Apache-2.0
//
// The operational-space law of franka_hil_sim/opspace.py, run between mj_step1 and mj_step2.
//
// Why C: the law is recomputed every 2 ms physics step, and from Python its dozen small MuJoCo
// calls cost half as much as the physics itself. Here one call from Python runs a whole control
// period. opspace.py owns the parameters, the gains written into the model and the
// documentation of the law; this file is its only implementation.

#include <setjmp.h>
#include <stddef.h>
#include <stdio.h>

#include <mujoco/mujoco.h>

#define ARM_DOFS 7
#define TASK_DIMS 6

// Mirrored by opspace._Params (checked at load through osc_params_size).
typedef struct {
  int site;                 // TCP site
  int task_actuator;        // first of the TASK_DIMS Cartesian actuators (gain -kp)
  int null_actuator;        // first of the ARM_DOFS null-space motors (gain kp)
  int arm_dof;              // first of the ARM_DOFS consecutive arm degrees of freedom
  int arm_qpos[ARM_DOFS];   // qpos address of each arm joint
  mjtNum home[ARM_DOFS];    // null-space rest posture
  mjtNum velocity_gain;     // kd / kp
  mjtNum null_stiffness;    // kn / kp
  mjtNum null_damping;      // dn / kp
  mjtNum min_pivot;         // Cholesky pivot floor of J M^-1 J^T
} OscParams;

size_t osc_params_size(void) { return sizeof(OscParams); }

int osc_header_version(void) { return mjVERSION_HEADER; }

// ctrl of the task actuators = Lambda (e + kd/kp v + J M^-1 ddq_null / kp), where
// Lambda = (J M^-1 J^T)^-1 and e, v (actuator_length, actuator_velocity) are the TCP pose error
// and twist; ctrl of the null-space motors = ddq_null / kp = (kn (home - q) - dn dq) / kp.
// The actuator gains turn these into tau = J^T Lambda (-kp e - kd v) + (I - J^T Lambda J M^-1)
// ddq_null; gravity compensation and torque limits are applied by MuJoCo itself.
static void control(const mjModel* m, mjData* d, const OscParams* p) {
  int nv = m->nv;
  mjtNum lambda_inv[TASK_DIMS * TASK_DIMS], rhs[TASK_DIMS];
  mjtNum* force = d->ctrl + p->task_actuator;
  mjtNum* null = d->ctrl + p->null_actuator;

  mj_markStack(d);
  mjtNum* jac = mj_stackAllocNum(d, TASK_DIMS * nv);       // rows: 3 translation, 3 rotation
  mjtNum* jac_minv = mj_stackAllocNum(d, TASK_DIMS * nv);  // J M^-1 (M is symmetric)
  mj_jacSite(m, d, jac, jac + 3 * nv, p->site);
  mj_solveM(m, d, jac_minv, jac, TASK_DIMS);
  mju_mulMatMatT(lambda_inv, jac, jac_minv, TASK_DIMS, nv, TASK_DIMS);
  for (int i = 0; i < ARM_DOFS; i++) {
    null[i] = p->null_stiffness * (p->home[i] - d->qpos[p->arm_qpos[i]])
              - p->null_damping * d->qvel[p->arm_dof + i];
  }
  for (int r = 0; r < TASK_DIMS; r++) {
    rhs[r] = d->actuator_length[p->task_actuator + r]
             + p->velocity_gain * d->actuator_velocity[p->task_actuator + r]
             + mju_dot(jac_minv + r * nv + p->arm_dof, null, ARM_DOFS);
  }
  mju_cholFactor(lambda_inv, TASK_DIMS, p->min_pivot);
  mju_cholSolve(force, lambda_inv, rhs, TASK_DIMS);
  mj_freeStack(d);
}

// MuJoCo errors (mju_error) inside osc_step come back to the caller as a return code, as the
// Python bindings turn them into mujoco.FatalError, instead of ending the process. The handler
// is installed once, process-wide, and passes every other message on to the one it replaced.
static mjfLogHandler chained_handler;
static _Thread_local jmp_buf* error_jump;
static _Thread_local char error_message[sizeof(((mjLogMessage*)0)->subject)];

static void intercept(const mjLogMessage* message) {
  if (error_jump && message->level == mjLOG_ERROR) {
    snprintf(error_message, sizeof(error_message), "%s", message->subject);
    longjmp(*error_jump, 1);
  }
  chained_handler(message);
}

// Call once, before any osc_step (opspace.py does so when it loads this library). Returns 0 if
// MuJoCo did not hand over the handler it had (then nothing is installed).
int osc_intercept_errors(void) {
  if (!chained_handler) {
    mjfLogHandler previous = mju_setLogHandler(intercept);
    if (!previous) {
      mju_setLogHandler(NULL);
      return 0;
    }
    chained_handler = previous;
  }
  return 1;
}

// Advance `steps` physics steps, recomputing the control at each one. Returns 0, or 1 after a
// MuJoCo error, whose message is then copied into `error` (the state is then undefined).
int osc_step(const mjModel* m, mjData* d, const OscParams* p, int steps,
             char* error, int error_size) {
  jmp_buf jump;
  if (setjmp(jump)) {
    error_jump = NULL;
    snprintf(error, error_size, "%s", error_message);
    return 1;
  }
  error_jump = &jump;
  for (int i = 0; i < steps; i++) {
    mj_step1(m, d);
    control(m, d, p);
    mj_step2(m, d);
  }
  error_jump = NULL;
  return 0;
}
