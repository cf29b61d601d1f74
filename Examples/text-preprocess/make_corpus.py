"""Writes the example corpus (corpus/*.txt): field notes with planted duplicates.

Run once from this folder: `python3 make_corpus.py`. The output is committed, because a pipeline's
inputs must exist when `shoal run` starts; the script is kept so anyone can see how the corpus was
made and regenerate it byte for byte (SplitMix64, no `random` module, no clock).

Every file mixes fresh sentences with planted repeats of earlier ones, of three kinds:
- exact: the same line again;
- variant: the same words with other case, spacing or punctuation (an exact duplicate once
  normalized);
- near: one character changed, dropped or doubled (a near duplicate: shingle Jaccard above 0.85).
The counts are printed at the end.
"""

import os

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

    def below(self, bound):
        return self.next() % bound

    def pick(self, items):
        return items[self.below(len(items))]


OBSERVERS = ["The ranger", "A volunteer", "Our team", "The night crew", "Two students", "The warden",
             "A visiting botanist", "The survey group", "My neighbour", "The ferry captain"]
SAW = ["counted", "photographed", "recorded", "spotted", "followed", "heard", "tagged", "measured",
       "sketched", "lost sight of"]
COUNTS = ["one", "two", "three", "four", "five", "six", "a dozen", "several", "many", "a pair of"]
THINGS = ["herons", "otters", "red kites", "oak saplings", "grey seals", "dragonflies", "barn owls",
          "water voles", "orchids", "curlews", "beavers", "lapwings"]
PLACES = ["near the old mill", "along the north shore", "below the weir", "in the alder carr",
          "by the footbridge", "on the salt marsh", "past the reed beds", "at the estuary mouth",
          "behind the visitor centre", "under the railway arch"]
WHEN = ["at dawn", "after the storm", "before noon", "in light rain", "at low tide", "late on Sunday",
        "during the survey", "as the fog lifted", "just after sunset", "on the second morning"]
NOTES = ["", "", "", " Numbers are up on last year.", " The water level was unusually high.",
         " Nobody else reported them.", " Photos are in the shared folder.", " Worth checking again next week."]


def sentence(generator):
    return (f"{generator.pick(OBSERVERS)} {generator.pick(SAW)} {generator.pick(COUNTS)} "
            f"{generator.pick(THINGS)} {generator.pick(PLACES)} {generator.pick(WHEN)}.{generator.pick(NOTES)}")


def variant(generator, line):
    choice = generator.below(3)
    if choice == 0:
        return line.upper()
    if choice == 1:
        return "  " + line.replace(" ", "   ", 2).rstrip(".") + " !"
    return line.lower().replace(".", ";")


def near(generator, line):
    # Change a letter well inside the line, so the shingles around it are the only ones lost.
    position = 12 + generator.below(len(line) - 24)
    while not line[position].isalpha():
        position += 1
    choice = generator.below(3)
    if choice == 0:
        replacement = "e" if line[position] != "e" else "a"
        return line[:position] + replacement + line[position + 1:]
    if choice == 1:
        return line[:position] + line[position + 1:]
    return line[:position] + line[position] + line[position:]


def main():
    generator = SplitMix64(2024)
    os.makedirs("corpus", exist_ok=True)
    seen = []
    planted = {"exact": 0, "variant": 0, "near": 0}
    fresh = 0
    for number, (name, count) in enumerate([("reserve-north.txt", 120), ("reserve-south.txt", 110),
                                            ("river-log.txt", 100), ("volunteers.txt", 90)]):
        lines = []
        for _ in range(count):
            roll = generator.below(100)
            if seen and roll < 8:
                lines.append(generator.pick(seen))
                planted["exact"] += 1
            elif seen and roll < 14:
                lines.append(variant(generator, generator.pick(seen)))
                planted["variant"] += 1
            elif seen and roll < 22:
                lines.append(near(generator, generator.pick(seen)))
                planted["near"] += 1
            else:
                line = sentence(generator)
                lines.append(line)
                seen.append(line)
                fresh += 1
            if generator.below(12) == 0:
                lines.append("")
        with open(os.path.join("corpus", name), "w", encoding="utf-8", newline="\n") as file:
            file.write("\n".join(lines) + "\n")
    print(f"fresh {fresh}, planted exact {planted['exact']}, variant {planted['variant']}, near {planted['near']}")


main()
