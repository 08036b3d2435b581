#!/usr/bin/env python3
"""Extracts the sample corpus and its held-out questions from WordNet 3.0.

Run once, by hand, to (re)create the committed data; the build and the tests read the committed files and never
run this script.

    apt-get install -y wordnet-base          # Debian/Ubuntu; data under /usr/share/wordnet
    python3 examples/corpus/extract_wordnet.py [--wordnet-dir /usr/share/wordnet] [--out-dir examples/corpus]

What it writes (see examples/README.md):

* wordnet-synsets.jsonl  one record per synset: _id, text (lemmas + definition), lemma, lemmas, pos, synset_offset,
                         lexname, tag_count. The quoted usage examples of the gloss are left out of the record.
* questions.jsonl        held-out questions: one usage example of a synset that is among the first FIRST_BLOCK
                         records, with the _id of that synset as the expected answer.

How records are chosen and ordered:

1. Every synset of the four data files is read; its tag_count is the sum, over its words, of how often that word
   sense was tagged in the semantic concordances (cntlist.rev). That favours the senses people actually use.
2. The RECORDS synsets with the highest tag_count are kept (ties broken by part of speech, then offset, so the
   choice is deterministic); a synset whose text repeats an earlier one is skipped.
3. The kept records are shuffled with a fixed seed, so any prefix (the first 1,000 for the end-to-end test, the
   first 10,000 for the benchmark) is a fair sample of the whole: common and rarer senses, all parts of speech,
   and the sibling senses of the same word that make the search task non-trivial.
4. Questions come only from the first FIRST_BLOCK records: the first usable usage example of a synset (4 to 30
   words, not used by any other synset in WordNet), evenly spaced over the candidates up to MAX_QUESTIONS.
"""

import argparse
import gzip
import json
import os
import random
import re
import sys

RECORDS = 12000
FIRST_BLOCK = 1000
MAX_QUESTIONS = 200
SHUFFLE_SEED = 20250730
MIN_EXAMPLE_WORDS = 4
MAX_EXAMPLE_WORDS = 30

# Lexicographer file names by number, as listed in lexnames(5WN) for WordNet 3.0.
LEXNAMES = (
    "adj.all", "adj.pert", "adv.all", "noun.Tops", "noun.act", "noun.animal", "noun.artifact", "noun.attribute",
    "noun.body", "noun.cognition", "noun.communication", "noun.event", "noun.feeling", "noun.food", "noun.group",
    "noun.location", "noun.motive", "noun.object", "noun.person", "noun.phenomenon", "noun.plant",
    "noun.possession", "noun.process", "noun.quantity", "noun.relation", "noun.shape", "noun.state",
    "noun.substance", "noun.time", "verb.body", "verb.change", "verb.cognition", "verb.communication",
    "verb.competition", "verb.consumption", "verb.contact", "verb.creation", "verb.emotion", "verb.motion",
    "verb.perception", "verb.possession", "verb.social", "verb.stative", "verb.weather", "adj.ppl",
)

DATA_FILES = ("noun", "verb", "adj", "adv")
POS_ORDER = {"n": 0, "v": 1, "a": 2, "s": 3, "r": 4}
POS_NAMES = {"n": "noun", "v": "verb", "a": "adjective", "s": "adjective", "r": "adverb"}
# Synset type as numbered in sense keys (wndb(5WN), senseidx(5WN)).
SS_TYPE_NUMBER = {"n": 1, "v": 2, "a": 3, "r": 4, "s": 5}

ADJECTIVE_MARKER = re.compile(r"\((?:a|p|ip)\)$")
QUOTED = re.compile(r'"([^"]*)"')


def read_tag_counts(wordnet_dir):
    """(lemma, ss_type number, lex_filenum, lex_id) -> tag count, from cntlist.rev (sense_key sense_number count)."""
    counts = {}
    with open(os.path.join(wordnet_dir, "cntlist.rev"), encoding="utf-8") as lines:
        for line in lines:
            parts = line.split()
            if len(parts) != 3:
                continue
            sense_key, _, count = parts
            lemma, _, lex_sense = sense_key.partition("%")
            fields = lex_sense.split(":")
            key = (lemma, int(fields[0]), int(fields[1]), int(fields[2]))
            counts[key] = counts.get(key, 0) + int(count)
    return counts


def parse_gloss(gloss):
    """Splits a gloss into its definition and its quoted usage examples."""
    first_quote = gloss.find('"')
    definition = gloss if first_quote < 0 else gloss[:first_quote]
    definition = definition.strip().rstrip(";").strip()
    examples = [e.strip() for e in QUOTED.findall(gloss[first_quote:])] if first_quote >= 0 else []
    return definition, [e for e in examples if e]


def read_synsets(wordnet_dir, tag_counts):
    synsets = []
    for name in DATA_FILES:
        with open(os.path.join(wordnet_dir, "data." + name), encoding="utf-8") as lines:
            for line in lines:
                if line.startswith("  "):  # the licence header
                    continue
                head, _, gloss = line.partition(" | ")
                fields = head.split()
                offset, lex_filenum, ss_type = fields[0], int(fields[1]), fields[2]
                word_count = int(fields[3], 16)
                words = []
                tag_count = 0
                for i in range(word_count):
                    raw_word = fields[4 + 2 * i]
                    lex_id = int(fields[5 + 2 * i], 16)
                    word = ADJECTIVE_MARKER.sub("", raw_word)
                    words.append(word.replace("_", " "))
                    tag_count += tag_counts.get((word.lower(), SS_TYPE_NUMBER[ss_type], lex_filenum, lex_id), 0)
                definition, examples = parse_gloss(gloss.strip())
                synsets.append({
                    "offset": offset,
                    "ss_type": ss_type,
                    "lexname": LEXNAMES[lex_filenum],
                    "words": list(dict.fromkeys(words)),
                    "definition": definition,
                    "examples": examples,
                    "tag_count": tag_count,
                })
    return synsets


def record_of(synset):
    lemmas = synset["words"]
    return {
        "_id": "wn" + synset["ss_type"] + synset["offset"],
        "text": ", ".join(lemmas) + ": " + synset["definition"],
        "lemma": lemmas[0],
        "lemmas": lemmas,
        "pos": POS_NAMES[synset["ss_type"]],
        "synset_offset": synset["offset"],
        "lexname": synset["lexname"],
        "tag_count": synset["tag_count"],
    }


def usable_example(synset, example_owners):
    for example in synset["examples"]:
        words = example.split()
        if MIN_EXAMPLE_WORDS <= len(words) <= MAX_EXAMPLE_WORDS and len(example_owners[example]) == 1:
            return example
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--wordnet-dir", default="/usr/share/wordnet")
    parser.add_argument("--out-dir", default=os.path.dirname(os.path.abspath(__file__)))
    args = parser.parse_args()
    if not os.path.isfile(os.path.join(args.wordnet_dir, "data.noun")):
        sys.exit("no WordNet data in " + args.wordnet_dir + " (apt-get install -y wordnet-base)")

    synsets = read_synsets(args.wordnet_dir, read_tag_counts(args.wordnet_dir))
    synsets = [s for s in synsets if s["definition"]]
    synsets.sort(key=lambda s: (-s["tag_count"], POS_ORDER[s["ss_type"]], s["offset"]))

    chosen, seen_texts = [], set()
    for synset in synsets:
        record = record_of(synset)
        if record["text"] in seen_texts:
            continue
        seen_texts.add(record["text"])
        chosen.append((record, synset))
        if len(chosen) == RECORDS:
            break
    random.Random(SHUFFLE_SEED).shuffle(chosen)

    example_owners = {}
    for synset in synsets:
        for example in synset["examples"]:
            example_owners.setdefault(example, set()).add(synset["ss_type"] + synset["offset"])
    candidates = []
    for record, synset in chosen[:FIRST_BLOCK]:
        example = usable_example(synset, example_owners)
        if example is not None:
            candidates.append((record, example))
    candidate_count = len(candidates)
    if len(candidates) > MAX_QUESTIONS:
        step = len(candidates) / MAX_QUESTIONS
        candidates = [candidates[int(i * step)] for i in range(MAX_QUESTIONS)]

    corpus_path = os.path.join(args.out_dir, "wordnet-synsets.jsonl")
    with open(corpus_path, "w", encoding="utf-8", newline="\n") as out:
        for record, _ in chosen:
            out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
    questions_path = os.path.join(args.out_dir, "questions.jsonl")
    with open(questions_path, "w", encoding="utf-8", newline="\n") as out:
        for number, (record, example) in enumerate(candidates, start=1):
            out.write(json.dumps({
                "question_id": "q%03d" % number,
                "question": example,
                "expected_id": record["_id"],
                "lemma": record["lemma"],
                "pos": record["pos"],
                "source": "wordnet-usage-example",
            }, ensure_ascii=False, separators=(",", ":")) + "\n")
    print("%s: %d records (%d bytes)" % (corpus_path, len(chosen), os.path.getsize(corpus_path)))
    print("%s: %d questions (of %d candidates), all answered within the first %d records"
          % (questions_path, len(candidates), candidate_count, FIRST_BLOCK))


if __name__ == "__main__":
    main()
