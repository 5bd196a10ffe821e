// Copyright 2026 franka-hil developers
// SPDX-License-Identifier: Apache-2.0
// The driving page: draws each frame the server sends, then acknowledges it (the server sends
// the newest frame only after an ack, so nothing queues); sends the held keys and the pad's
// state, on every change and every 0.1 s while it drives (the server's deadman needs that).
'use strict';

const CONFIG = JSON.parse(document.getElementById('config').textContent);
const HANDLED = new Set(CONFIG.keys);
const TOKEN = new URLSearchParams(location.search).get('token') || '';
const SILENCE_MS = 1000;   // no frame for this long: the graph is shown stopped
const HEARTBEAT_MS = 100;  // input repeated this often while driving
const $ = (id) => document.getElementById(id);

let socket = null;
let role = 'watcher';
let lastFrame = null;      // {age_ms at receipt + rtt / 2, performance.now() at receipt}
const held = new Set();
let lastPad = null;

function connect() {
  socket = new WebSocket(`ws://${location.host}/ws?token=${encodeURIComponent(TOKEN)}`);
  socket.binaryType = 'arraybuffer';
  socket.onmessage = (event) => {
    if (typeof event.data === 'string') onRole(JSON.parse(event.data));
    else onFrame(event.data, performance.now());
  };
  socket.onclose = () => { role = 'watcher'; showRole(); setTimeout(connect, 1000); };
}

function send(message) {
  if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
}

function onRole(message) {
  if (message.type !== 'role') return;
  role = message.role;
  CONFIG.drivable = message.drivable;
  showRole();
  if (role === 'driver') sendInput();
}

function showRole() {
  const driving = role === 'driver';
  $('role_text').textContent = !CONFIG.drivable ? 'watching (this graph is not driven from here)'
    : driving ? 'you drive (keys below, or a pad)' : 'watching: another tab drives';
  $('takeover').hidden = driving || !CONFIG.drivable;
}

async function onFrame(buffer, received) {
  const size = new DataView(buffer).getUint32(0);
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 4, size)));
  let offset = 4 + size;
  const drawn = header.images.map(([camera, length]) => {
    const blob = new Blob([new Uint8Array(buffer, offset, length)], {type: 'image/jpeg'});
    offset += length;
    return createImageBitmap(blob).then((bitmap) => {
      const canvas = $(camera);
      if (!canvas) return;
      canvas.width = bitmap.width;
      canvas.height = bitmap.height;
      canvas.getContext('2d').drawImage(bitmap, 0, 0);
    });
  });
  try {
    await Promise.all(drawn);
  } catch (error) {
    console.warn('frame not drawn', error);
  }
  if (header.episode !== undefined) {
    $('frame').textContent = `episode ${header.episode}, step ${header.step}`;
  }
  const status = header.status;
  if (status) {
    $('actor').textContent = status.actor;
    $('time_left').textContent = status.time_left_s.toFixed(1);
    $('gripper').textContent = status.gripper;
    $('outcome').textContent = status.last_outcome || 'none yet';
  }
  if (header.age_ms !== undefined) {
    lastFrame = {age: header.age_ms + (header.rtt_ms || 0) / 2, at: received};
  }
  $('flow').textContent = `frames sent ${header.sent}, acknowledged ${header.acked}`;
  send({type: 'ack', seq: header.seq, held_ms: performance.now() - received});
  showAge();
}

function showAge() {
  const now = performance.now();
  if (!lastFrame || now - lastFrame.at > SILENCE_MS) {
    $('state').textContent = socket && socket.readyState === WebSocket.OPEN
      ? 'graph stopped / no data' : 'disconnected';
    $('state').className = 'stopped';
    $('age').textContent = lastFrame ? Math.round(lastFrame.age + now - lastFrame.at) : '-';
    return;
  }
  $('state').textContent = 'live';
  $('state').className = '';
  $('age').textContent = Math.round(lastFrame.age + now - lastFrame.at);
}

function readPad() {
  const pads = navigator.getGamepads ? Array.from(navigator.getGamepads()) : [];
  const pad = pads.find((p) => p && p.connected);
  if (!pad) return null;
  return {axes: Array.from(pad.axes), buttons: Array.from(pad.buttons, (b) => b.value)};
}

function sendInput() {
  if (role !== 'driver' || document.visibilityState !== 'visible') return;
  lastPad = readPad();
  send({type: 'input', keys: Array.from(held), pad: lastPad});
}

function release() {
  held.clear();
  send({type: 'release'});
}

window.addEventListener('keydown', (event) => {
  if (!HANDLED.has(event.code)) return;
  event.preventDefault();
  if (event.repeat) return;
  held.add(event.code);
  sendInput();
});
window.addEventListener('keyup', (event) => {
  if (!HANDLED.has(event.code)) return;
  event.preventDefault();
  held.delete(event.code);
  sendInput();
});
window.addEventListener('blur', () => { held.clear(); sendInput(); });
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState !== 'visible') release();
});
window.addEventListener('pagehide', release);
$('takeover').addEventListener('click', () => send({type: 'take_over'}));

setInterval(sendInput, HEARTBEAT_MS);
setInterval(() => {  // a pad's change goes out at once, not at the next heartbeat
  const pad = role === 'driver' ? readPad() : null;
  if (JSON.stringify(pad) !== JSON.stringify(lastPad)) sendInput();
}, 20);
setInterval(showAge, 100);
showRole();
connect();
