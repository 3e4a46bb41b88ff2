// Generalised advantage estimation (Schulman et al. 2016) over padded responses, row-major [B, R]:
//   δ_t = r_t + γ·V_{t+1} − V_t   (V after the last real token is 0)
//   A_t = δ_t + γλ·A_{t+1},        returns_t = A_t + V_t

export interface Advantages {
  /** [B·R] row-major, 0 on pads. */
  advantages: Float32Array;
  /** [B·R] the value targets (A + V), 0 on pads. */
  returns: Float32Array;
}

/**
 * GAE for every token. rewards, values, mask: [B·R] row-major; each row's real tokens come first
 * (responses are right-padded). Returns new arrays.
 */
export function gae(rewards: Float32Array, values: Float32Array, mask: Float32Array, b: number, r: number, gamma: number, lam: number): Advantages {
  const advantages = new Float32Array(b * r);
  const returns = new Float32Array(b * r);
  for (let row = 0; row < b; row++) {
    let next = 0; // A_{t+1}
    let nextValue = 0; // V_{t+1}
    for (let t = r - 1; t >= 0; t--) {
      const i = row * r + t;
      if (!((mask[i] as number) > 0)) continue;
      const delta = (rewards[i] as number) + gamma * nextValue - (values[i] as number);
      next = delta + gamma * lam * next;
      advantages[i] = next;
      returns[i] = next + (values[i] as number);
      nextValue = values[i] as number;
    }
  }
  return { advantages, returns };
}
