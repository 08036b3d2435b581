#!/usr/bin/env python3
"""Extracts the long-passage corpus and its held-out questions from the PostgreSQL 15 documentation.

Run once, by hand, to (re)create the committed data; the build and the tests read the committed files and never
run this script.

    apt-get install -y postgresql-doc-15     # Debian 12 "bookworm": 15.18-0+deb12u1, HTML under the path below
    python3 examples/corpus/extract_postgresql.py [--html-dir /usr/share/doc/postgresql-doc-15/html] \
        [--out-dir examples/corpus]

Source and licence: the HTML manual of the Debian package postgresql-doc-15 (15.18-0+deb12u1), read from
/usr/share/doc/postgresql-doc-15/html/*.html. The documentation is under the PostgreSQL Licence (legalnotice.html
of the same folder; a copy is LICENSE-PostgreSQL.txt next to this script).

What it writes (see examples/README.md):

* postgresql-passages.jsonl   one record per passage: _id, text, title (the heading of the section the passage
                              comes from, which is NOT in text), page (the page's own heading), anchor (file#id),
                              chunk / chunks (the passage's place when a section's prose was split), words.
* postgresql-questions.jsonl  held-out questions: a heading or a one-line summary taken from the manual's structure,
                              with the _id of the passage it names as the expected answer.

How passages are made:

1. Every page is parsed as XHTML. A "section" is a DocBook division (chapter, sect1-sect5, simplesect, refentry,
   refsect1-refsect3, ...). A section's prose is its own paragraphs, lists, definition lists and notes, in document
   order, up to (not into) its subsections. Headings, program listings, synopses, screens, tables, examples,
   figures, tables of contents and footnotes are left out, so the text is prose rather than code or tables.
2. Prose of MAX_WORDS words or less is one passage; longer prose is cut at block boundaries (a block longer than
   MAX_WORDS at sentence ends) into pieces of at most MAX_WORDS words and of about equal size, about
   ceil(words / MAX_WORDS) of them.
3. A passage is kept when it has MIN_WORDS to MAX_WORDS words, at most MAX_CODE_SHARE of its characters come from
   inline code elements, and its text is not a repeat of an earlier passage. The release notes and the index are
   skipped (change lists and link lists, not prose).
4. The _id is "pg" + the first 9 hex digits of the SHA-1 of "file#anchor#chunk": 11 alphanumeric characters (a
   valid Bedrock recordId) that do not move when other pages change. The records are shuffled with a fixed seed, so
   any prefix is a fair sample of the whole.

How questions are made (the heading or summary a question comes from is never part of its passage's text):

* "refpurpose": each reference page (SQL command, client or server program, SPI or ECPG function, ...) has a
  one-line summary in its Name block, e.g. "CREATE INDEX — define a new index". The part after the dash is the
  question ("define a new index"); the expected passage is the first passage of the page's first section
  (Description). The Name block is not in any passage.
* "section-title": the heading of a section whose prose is one passage (not split), with its number removed, and
  prefixed with the nearest enclosing heading that names only one section, or for a page's own heading with the
  chapter of the navigation's "Up" link, e.g. "Populating a Database: Disable Autocommit"; the expected passage is
  that section's passage. Headings are not in any passage.

A candidate is used only if it has MIN_QUESTION_WORDS to MAX_QUESTION_WORDS words (a heading may have fewer before
its prefix), no other summary or heading of the manual has the same text (compared ignoring case and punctuation;
"Examples" or "define a new database role" name several sections), and the summary or heading does not occur in its
passage (ignoring case and a final "s"/"es": "define a new cast" is dropped, as its passage says "CREATE CAST
defines a new cast"). QUESTIONS questions are taken,
evenly spaced over each kind's candidates in document order: half summaries, half headings.
"""

import argparse
import glob
import hashlib
import json
import math
import os
import random
import re
import sys
import xml.etree.ElementTree as ET

MIN_WORDS = 30
MAX_WORDS = 400
MAX_CODE_SHARE = 0.4
DANGLING_WORDS = 30
QUESTIONS = 300
MIN_QUESTION_WORDS = 3
MAX_QUESTION_WORDS = 20
SHUFFLE_SEED = 20251207
SOURCE = "postgresql-15-doc"

XHTML = "{http://www.w3.org/1999/xhtml}"
SECTION_CLASSES = {
    "book", "part", "reference", "chapter", "appendix", "preface", "article", "bibliography",
    "sect1", "sect2", "sect3", "sect4", "sect5", "section", "simplesect",
    "refentry", "refsect1", "refsect2", "refsect3",
}
# Divisions whose content is not prose: code, synopses, tables, navigation, figures, examples.
SKIPPED_DIV_CLASSES = {
    "navheader", "navfooter", "titlepage", "toc", "list-of-tables", "list-of-examples", "list-of-figures",
    "refnamediv", "refsynopsisdiv", "cmdsynopsis", "funcsynopsis", "table", "informaltable", "example",
    "informalexample", "figure", "informalfigure", "mediaobject", "footnotes", "literallayout", "calloutlist",
    "indexdiv", "index", "bibliodiv", "biblioentry", "legalnotice", "programlistingco", "screenco",
}
SKIPPED_TAGS = {"pre", "table", "script", "style", "img", "hr", "head"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
CODE_TAGS = {"code", "tt", "kbd", "samp"}
# Pages that are lists of changes or of links rather than prose.
SKIPPED_FILES = re.compile(r"^(release-.*|bookindex|index|legalnotice)\.html$")
# "14.4.1. ", "F.2. ", "Chapter 14. ", "Part III. " (DocBook puts a no-break space after the word).
SECTION_NUMBER = re.compile(r"^(?:[A-Z]\.|[0-9IVXL]+\.)(?:[0-9]+\.)*\s+|^(?:Chapter|Appendix|Part)\s[0-9A-Z]+\.\s+")
# "classes" -> "class", "matches" -> "match", "changes" -> "change", "uses" -> "use"; "class" stays.
PLURAL_S = re.compile(r"(?:(?<=ch|sh|ss)es|(?<=[xz])es|(?<=[a-z]{2})(?<!s)s)$")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")


def local(tag):
    return tag[len(XHTML):] if tag.startswith(XHTML) else tag


def classes(element):
    return set((element.get("class") or "").split())


def flat_text(element):
    """The element's text with whitespace collapsed, and how many of its characters sit in inline code."""
    parts, code_chars = [], [0]

    def walk(node, in_code):
        code = in_code or local(node.tag) in CODE_TAGS
        if node.text:
            parts.append(node.text)
            if code:
                code_chars[0] += len(" ".join(node.text.split()))
        for child in node:
            tag = local(child.tag)
            footnote_mark = tag == "sup" and any(local(c.tag) == "a" and "footnote" in classes(c) for c in child)
            if not footnote_mark and tag not in SKIPPED_TAGS:
                walk(child, code)
            if child.tail:
                parts.append(child.tail)
                if code:
                    code_chars[0] += len(" ".join(child.tail.split()))

    walk(element, False)
    # U+200B: the zero-width break hints DocBook puts into long identifiers.
    return " ".join("".join(parts).replace("\u200b", "").split()), code_chars[0]


def heading_of(section):
    """The section's heading: the title in its titlepage, or the first heading among its direct children."""
    for child in section:
        if local(child.tag) == "div" and "titlepage" in classes(child):
            for node in child.iter():
                if local(node.tag) in HEADINGS:
                    return SECTION_NUMBER.sub("", flat_text(node)[0]).strip()
        if local(child.tag) in HEADINGS:
            return SECTION_NUMBER.sub("", flat_text(child)[0]).strip()
    return ""


def refname_of(refentry):
    """(name, purpose) from a reference page's Name block: "CREATE INDEX — define a new index"."""
    for child in refentry:
        if local(child.tag) == "div" and "refnamediv" in classes(child):
            for node in child:
                if local(node.tag) == "p":
                    text = flat_text(node)[0]
                    if " — " in text:
                        name, purpose = text.split(" — ", 1)
                        return name.strip(), purpose.strip()
    return heading_of(refentry), ""


def prose_blocks(section):
    """(text, code characters) of the section's own prose blocks, in document order, not entering subsections."""
    blocks = []

    def walk(node):
        previous = None  # the block the previous child added, if it was a paragraph
        for child in node:
            tag, cls = local(child.tag), classes(child)
            if tag == "div" and cls & SECTION_CLASSES:
                continue  # a subsection: its prose is its own passage
            if tag in SKIPPED_TAGS or tag in HEADINGS or cls & SKIPPED_DIV_CLASSES:
                if previous is not None and len(blocks) == previous + 1 and dangling(blocks[previous][0]):
                    del blocks[previous]  # "For example:" without its example
                previous = None
                continue
            previous = len(blocks) if tag == "p" else None
            if tag == "p":
                add(child)
            elif tag in ("ul", "ol"):
                for item in child:
                    if local(item.tag) == "li":
                        if any(local(c.tag) in ("p", "div", "ul", "ol", "dl") for c in item):
                            walk(item)
                        else:
                            add(item)
            elif tag == "dl":
                term = None
                for entry in child:
                    if local(entry.tag) == "dt":
                        term = flat_text(entry)
                    elif local(entry.tag) == "dd":
                        before = len(blocks)
                        walk(entry)
                        if term is not None and len(blocks) > before:
                            # The term (an option, a parameter, a setting) introduces its first paragraph.
                            text, code = blocks[before]
                            blocks[before] = (term[0] + ": " + text, code + term[1])
                        term = None
            elif tag in ("div", "blockquote", "li", "dd", "span"):
                walk(child)

    def add(node):
        text, code = flat_text(node)
        if text:
            blocks.append((text, code))

    walk(section)
    return blocks


def dangling(text):
    """A short lead-in to a listing or table that is left out ("The result is:")."""
    return text.endswith(":") and len(text.split()) <= DANGLING_WORDS


def split_long_block(text, code):
    """Cuts a block of more than MAX_WORDS words at sentence ends."""
    pieces, current = [], []
    for sentence in SENTENCE_END.split(text):
        if current and len(" ".join(current + [sentence]).split()) > MAX_WORDS:
            pieces.append(" ".join(current))
            current = []
        current.append(sentence)
    if current:
        pieces.append(" ".join(current))
    share = code / max(1, len(text))
    return [(p, int(len(p) * share)) for p in pieces]


def chunks_of(blocks):
    """Runs of whole blocks of at most MAX_WORDS words each and of about equal size: ceil(words / MAX_WORDS) runs,
    or more when the blocks do not divide evenly."""
    units = []
    for text, code in blocks:
        units.extend(split_long_block(text, code) if len(text.split()) > MAX_WORDS else [(text, code)])
    total = sum(len(t.split()) for t, _ in units)
    if total <= MAX_WORDS:
        return [units] if units else []
    count = math.ceil(total / MAX_WORDS)
    while True:
        target = total / count
        chunks, current, words = [], [], 0
        for text, code in units:
            n = len(text.split())
            # Close the current chunk when it would overflow, or when it has reached its share of the words.
            if current and (words + n > MAX_WORDS or words >= target):
                chunks.append(current)
                current, words = [], 0
            current.append((text, code))
            words += n
        chunks.append(current)
        if len(chunks) <= count or count >= len(units):
            return chunks
        count += 1


def normalized(text):
    return " ".join(re.sub(r"[^\w]+", " ", text.lower()).split())


def stems(text):
    """Lower-case words with a plural or third-person "s" cut off, so "changes the" matches "change the"."""
    return [PLURAL_S.sub("", w) for w in re.findall(r"\w+", text.lower())]


def contains(text, question):
    """Whether the question's words occur in the text in a row (up to a final "s"/"es")."""
    return " %s " % " ".join(stems(question)) in " %s " % " ".join(stems(text))


def read_pages(html_dir):
    """Every section of every page: dicts with file, anchor, heading, page heading, refpurpose and prose blocks."""
    sections = []
    for path in sorted(glob.glob(os.path.join(html_dir, "*.html"))):
        name = os.path.basename(path)
        if SKIPPED_FILES.match(name):
            continue
        try:
            body = ET.parse(path).getroot().find(XHTML + "body")
        except ET.ParseError as error:
            sys.exit("%s: not well-formed XHTML: %s" % (path, error))
        # The navigation's "Up" link names the enclosing chapter; a part ("Part III. Server Administration") or
        # the book itself is too broad to help a question.
        up = next((link.get("title", "") for link in body.iter(XHTML + "a") if link.get("accesskey") == "u"), "")
        up = "" if re.match(r"Part\s|PostgreSQL .* Documentation$", up) else SECTION_NUMBER.sub("", up).strip()
        page = None

        def visit(node, refentry, parent):
            nonlocal page
            for child in node:
                if local(child.tag) != "div":
                    continue
                cls = classes(child)
                if cls & SECTION_CLASSES:
                    heading, purpose = refname_of(child) if "refentry" in cls else (heading_of(child), "")
                    if page is None:
                        page = heading
                    sections.append({
                        "file": name,
                        "anchor": child.get("id") or "",
                        "heading": heading,
                        "page": page,
                        "kind": "refentry" if "refentry" in cls else sorted(cls & SECTION_CLASSES)[0],
                        "refpurpose": purpose,
                        "refentry": refentry if "refentry" not in cls else len(sections),
                        "parent": parent,
                        "up": up,
                        "blocks": prose_blocks(child),
                    })
                    me = len(sections) - 1
                    visit(child, refentry if "refentry" not in cls else me, me)
                elif not cls & SKIPPED_DIV_CLASSES:
                    visit(child, refentry, parent)

        visit(body, None, None)
    return sections


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--html-dir", default="/usr/share/doc/postgresql-doc-15/html")
    parser.add_argument("--out-dir", default=os.path.dirname(os.path.abspath(__file__)))
    args = parser.parse_args()
    if not os.path.isfile(os.path.join(args.html_dir, "legalnotice.html")):
        sys.exit("no PostgreSQL HTML manual in " + args.html_dir + " (apt-get install -y postgresql-doc-15)")

    sections = read_pages(args.html_dir)
    records, seen_texts, dropped = [], set(), {}
    first_passage = {}  # section index -> the record of its first chunk, if that was kept
    for index, section in enumerate(sections):
        chunks = chunks_of(section["blocks"])
        for number, chunk in enumerate(chunks, start=1):
            text = "\n".join(t for t, _ in chunk)
            words = len(text.split())
            code = sum(c for _, c in chunk)
            reason = ("too short" if words < MIN_WORDS else "too long" if words > MAX_WORDS
                      else "mostly code" if code > MAX_CODE_SHARE * len(text) else "repeated" if text in seen_texts
                      else None)
            if reason:
                dropped[reason] = dropped.get(reason, 0) + 1
                continue
            seen_texts.add(text)
            anchor = section["file"] + ("#" + section["anchor"] if section["anchor"] else "")
            key = "%s#%d" % (anchor, number)
            record = {
                "_id": "pg" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:9],
                "text": text,
                "title": section["heading"],
                "page": section["page"],
                "anchor": anchor,
                "chunk": number,
                "chunks": len(chunks),
                "words": words,
                "source": SOURCE,
            }
            records.append(record)
            if number == 1:
                first_passage[index] = record

    ids = [r["_id"] for r in records]
    if len(set(ids)) != len(ids):
        sys.exit("two passages have the same _id; change the id scheme")

    # Every heading and summary of the manual, to drop the ones that name more than one section.
    owners = {}
    for index, section in enumerate(sections):
        for text in (section["heading"], section["refpurpose"]):
            if text:
                owners.setdefault(normalized(text), set()).add(index)

    def usable(question, record, min_words=MIN_QUESTION_WORDS):
        n = len(question.split())
        return (record is not None and min_words <= n <= MAX_QUESTION_WORDS
                and len(owners[normalized(question)]) == 1 and not contains(record["text"], question))

    by_kind = {"refpurpose": [], "section-title": []}
    for index, section in enumerate(sections):
        if section["kind"] == "refentry":
            # The page's first section with prose (Description) answers the page's summary.
            first = next((i for i in range(index + 1, len(sections))
                          if sections[i]["refentry"] == index and sections[i]["blocks"]), None)
            record = first_passage.get(first)
            if section["refpurpose"] and usable(section["refpurpose"], record):
                by_kind["refpurpose"].append((section["refpurpose"], record))
        elif section["heading"]:
            record = first_passage.get(index)
            if record is None or record["chunks"] != 1 or not usable(section["heading"], record, 1):
                continue
            # A heading alone is often too vague ("Planning for Performance", "Getting the Source"): prefix the
            # nearest enclosing heading on the same page that names only one section ("Synchronous Replication"),
            # or for a page's own heading the chapter the page belongs to ("Installation from Source Code").
            context = section["parent"]
            while context is not None and len(owners[normalized(sections[context]["heading"])]) != 1:
                context = sections[context]["parent"]
            prefix = sections[context]["heading"] if context is not None else section["up"]
            question = prefix + ": " + section["heading"] if prefix else section["heading"]
            if MIN_QUESTION_WORDS <= len(question.split()) <= MAX_QUESTION_WORDS:
                by_kind["section-title"].append((question, record))

    questions = []
    for kind, candidates in by_kind.items():
        # Half of each kind, or all of the summaries if there are fewer, and the rest from headings.
        wanted = min(len(candidates), QUESTIONS // 2 if kind == "refpurpose" else QUESTIONS - len(questions))
        step = len(candidates) / wanted if wanted else 1
        questions.extend((kind, candidates[int(i * step)]) for i in range(wanted))
        print("%s: %d candidates, %d taken" % (kind, len(candidates), wanted))

    random.Random(SHUFFLE_SEED).shuffle(records)
    corpus_path = os.path.join(args.out_dir, "postgresql-passages.jsonl")
    with open(corpus_path, "w", encoding="utf-8", newline="\n") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
    questions_path = os.path.join(args.out_dir, "postgresql-questions.jsonl")
    with open(questions_path, "w", encoding="utf-8", newline="\n") as out:
        for number, (kind, (question, record)) in enumerate(questions, start=1):
            out.write(json.dumps({
                "question_id": "p%03d" % number,
                "question": question,
                "expected_id": record["_id"],
                "page": record["page"],
                "source": "postgresql-" + kind,
            }, ensure_ascii=False, separators=(",", ":")) + "\n")
    print("%d sections; passages left out: %s" % (len(sections), ", ".join(
        "%d %s" % (n, reason) for reason, n in sorted(dropped.items())) or "none"))
    print("%s: %d passages (%d bytes)" % (corpus_path, len(records), os.path.getsize(corpus_path)))
    print("%s: %d questions" % (questions_path, len(questions)))


if __name__ == "__main__":
    main()
