"""Writes the example dataset (data.csv): 600 measured fruits, labelled ripe (1) or not (0).

Run once from this folder: `python3 make_data.py`. The output is committed, because a pipeline's
inputs must exist when `shoal run` starts; the script is kept so anyone can see how the data was
made and regenerate it byte for byte (SplitMix64 and Box-Muller, no `random` module, no clock).

Four measurements per fruit; ripeness follows a logistic function of a linear combination of
them, drawn at random, so the classes overlap a little and no model is perfect: a logistic
regression should reach about 90% accuracy.
"""

import math

MASK = (1 << 64) - 1


class SplitMix64:
    def __init__(self, seed):
        self.state = seed

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def uniform(self):
        """A float in (0, 1) from the top 53 bits."""
        return ((self.next() >> 11) + 0.5) / (1 << 53)

    def normal(self, mean, deviation):
        """Box-Muller (one of the pair)."""
        u, v = self.uniform(), self.uniform()
        return mean + deviation * math.sqrt(-2.0 * math.log(u)) * math.cos(2.0 * math.pi * v)


def main():
    generator = SplitMix64(7)
    rows = ["sugar_brix,firmness_n,acidity_ph,weight_g,ripe"]
    for _ in range(600):
        sugar = generator.normal(12.0, 2.5)
        firmness = generator.normal(45.0, 12.0)
        acidity = generator.normal(3.6, 0.35)
        weight = generator.normal(180.0, 30.0)  # unrelated to ripeness: the model should learn a small weight
        z = 1.1 * (sugar - 12.0) - 0.18 * (firmness - 45.0) + 2.0 * (acidity - 3.6)
        ripe = 1 if generator.uniform() < 1.0 / (1.0 + math.exp(-z)) else 0
        rows.append(f"{sugar:.2f},{firmness:.1f},{acidity:.2f},{weight:.0f},{ripe}")
    with open("data.csv", "w", encoding="utf-8", newline="\n") as file:
        file.write("\n".join(rows) + "\n")
    print(f"{len(rows) - 1} rows, {sum(row.endswith(',1') for row in rows)} ripe")


main()
