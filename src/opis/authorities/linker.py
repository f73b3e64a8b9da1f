"""Link the names in a record to authority records.

A FRUS mention that carries its persons-list key goes straight to the
authority holding that key for the record's volume. Every other name is
looked up by its name key (:mod:`opis.authorities.names`) and, when several
authorities share it, ranked by context: listed in the record's FRUS volume,
forenames and initials that agree, a title that matches a role ("Secretary
Dulles"), a role held on the document's date, birth and death, and the other
people the same document names. Names that match nothing become candidate
authorities with deterministic ids (``person/candidate/nezlobin``), reused by
later documents and never merged silently into an existing record.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache

from opis.authorities.names import (
    TITLES,
    is_title,
    keys_of,
    parse_person_name,
    plain_key,
    script_of,
    slug,
)
from opis.model import Authority, AuthorityName, EntityLink, Mention, Person, Record
from opis.search.names import word_key

ENTITY_TYPES = {
    "person": "person",
    "persname": "person",
    "per": "person",
    "place": "place",
    "placename": "place",
    "loc": "place",
    "gpe": "place",
    "location": "place",
    "org": "org",
    "orgname": "org",
    "organization": "org",
    "organisation": "org",
}
"""Mention types the linker handles, by lower-case source tag; a ``term`` (FRUS gloss) is
linked only when its terms-list key belongs to an authority (``_term_kind``)."""

# Title words that say nothing about which office ("of", "the", "Mr").
_WEAK_TITLE_WORDS = frozenset(
    {"of", "the", "for", "mr", "mrs", "ms", "miss", "dr", "sir", "his", "her", "cde", "comrade",
     "tov", "товарищ", "тов", "state", "affairs", "foreign", "hon", "rt", "right", "honorable",
     "excellency", "acting", "deputy", "under", "assistant", "special", "vice", "lord", "lady"}
)  # fmt: skip
_CONTEXT_WORDS = re.compile(r"[^\W\d_]+\.?")
_SENTENCE_WORDS = frozenset(
    {"the", "a", "an", "in", "on", "at", "to", "from", "by", "and", "but", "or", "if", "as",
     "this", "that", "these", "those", "he", "she", "it", "we", "they", "i", "you", "his",
     "her", "its", "our", "their", "there", "then", "when", "after", "before", "since", "also",
     "suggest", "pursuant", "awaiting", "received", "deciphered", "printed", "sent", "incoming",
     "outgoing", "secret", "top", "telegram", "cable", "letter", "note", "document", "no",
     "nos", "page", "see", "for", "with", "please", "yes", "not", "all", "none", "one", "two",
     "government", "embassy", "department", "commission", "committee", "delegation", "party",
     "people", "peoples", "soviet", "american", "british", "french", "korean", "chinese",
     "provisional", "democratic", "republic", "national", "council", "assembly", "joint",
     "general", "president", "minister", "secretary", "ambassador", "memorandum"}
)  # fmt: skip
"""Capitalised words the gazetteer must not take for a surname on their own."""
_CAPITALISED = re.compile(
    r"(?:(?:[A-ZА-ЯЁ]\.){1,3}\s*|[A-ZА-ЯЁ][a-zа-яё]?\.\s*)*"
    r"[A-ZА-ЯЁ][\w’'\-]*[^\W\d_](?:[ \t]+(?:[A-ZА-ЯЁ]\.[ \t]*)*[A-ZА-ЯЁ][\w’'\-]*[^\W\d_])*"
)


@dataclass
class LinkResult:
    links: list[EntityLink] = field(default_factory=list)
    candidates: list[Authority] = field(default_factory=list)
    """Candidate authorities this record's links point to (new or reused)."""


@dataclass
class _Profile:
    """What the ranking needs of one authority, computed once."""

    authority: Authority
    given: set[str] = field(default_factory=set)
    """Forename keys in every spelling the sources give."""
    initials: set[str] = field(default_factory=set)
    """First letters of forenames (from full forenames and from initials)."""
    role_words: set[str] = field(default_factory=set)
    dated_roles: list[tuple[str, str, frozenset[str]]] = field(default_factory=list)
    """(start, end, title words) of the roles that state a date."""
    birth: int | None = None
    death: int | None = None
    prominence: float = 0.0


@dataclass
class _Context:
    """The record around a mention."""

    record_id: str
    volume: str | None
    date: str | None
    year: int | None
    body: str
    anchors: set[int] = field(default_factory=set)
    """Profiles already linked in this record with confidence."""
    held: dict[int, frozenset[str] | None] = field(default_factory=dict)
    """Per profile: words of the roles held on the record's date (None: no role held)."""


@dataclass(frozen=True)
class _Choice:
    index: int
    confidence: float
    method: str


def _year(value: str | None) -> int | None:
    match = re.match(r"-?\d{3,4}", value or "")
    return int(match.group()) if match else None


def _title_words(title: str) -> frozenset[str]:
    return _title_words_cached(title)


@lru_cache(maxsize=100_000)
def _title_words_cached(title: str) -> frozenset[str]:
    return frozenset(w.lower().rstrip(".") for w in _CONTEXT_WORDS.findall(title))


def _held_words(
    dated_roles: list[tuple[str, str, frozenset[str]]], date: str
) -> frozenset[str] | None:
    """Words of the roles held on ``date`` (ISO); None when none was held."""
    words: set[str] = set()
    held = False
    for start, end, title_words in dated_roles:
        if start and date[: len(start)] < start:
            continue
        if end and date[: len(end)] > end:
            continue
        held = True
        words |= title_words
    return frozenset(words) if held else None


_NAME_FORM = re.compile(r"(?:[A-ZА-ЯЁ][^\W\d_]*(?:['’\-][^\W\d_]+)*)(?: [A-ZА-ЯЁ][^\W\d_]*)*")


def _same_name(variant: str, canonical: str) -> bool:
    """Whether two name keys read as spellings of one name (not a nickname or alias)."""
    if variant[:1] != canonical[:1] and variant[:2] not in (
        "k" + canonical[1:2],
        "c" + canonical[1:2],
    ):
        return False
    return SequenceMatcher(None, variant, canonical).ratio() >= 0.7


_ORG_WORDS = frozenset(
    {"department", "embassy", "legation", "consulate", "mission", "delegation", "station",
     "headquarters", "office", "group", "committee", "council", "board", "agency", "staff",
     "government", "ministry", "assembly", "commission", "bureau", "service", "command",
     "chiefs", "directorate", "secretariat", "house", "army", "navy"}
)  # fmt: skip


def _header_kind(name: str) -> str | None:
    """What a from/to/signers entry names: ``person``, ``org`` ("Embassy in Greece"),
    or None for an office alone ("Secretary of State") or an editorial gap."""
    if not name.strip() or name.lstrip().startswith("["):
        return None
    words = {w.lower() for w in _CONTEXT_WORDS.findall(name)}
    if words & _ORG_WORDS:
        return "org"
    return "person" if parse_person_name(name).surname else None


def _strip_article(text: str) -> str:
    """ "the Joint Commission" -> "Joint Commission" (places and organisations)."""
    return re.sub(r"(?i)^(?:the)\s+", "", text.strip())


def _initial(word: str) -> str:
    key = word_key(word)
    return key[:1]


class Linker:
    """Authorities indexed for linking; ``link`` is a pure function of a record and them."""

    def __init__(self, authorities: Iterable[Authority]) -> None:
        self.profiles: list[_Profile] = []
        self.by_id: dict[str, int] = {}
        self._identifiers: dict[tuple[str, str], int] = {}
        self._surnames: dict[str, set[int]] = {}
        self._full: dict[str, set[int]] = {}
        self._weak: dict[str, set[int]] = {}
        """Aliases and first words of names written forenames-first."""
        self._given_index: dict[str, set[int]] = {}
        """Forename keys: "Sir Roger" in a British minute means Makins."""
        self._plain: dict[tuple[str, str], set[int]] = {}
        self._candidates: dict[str, Authority] = {}
        self._candidate_ids: dict[tuple[str, str], tuple[str, str] | None] = {}
        merged: dict[str, str] = {}
        for authority in authorities:
            if authority.merged_into:
                merged[authority.id] = authority.merged_into
                continue
            self._add(authority)
        for old, new in merged.items():
            if new in self.by_id:
                self.by_id[old] = self.by_id[new]

    # --- index

    def _add(self, authority: Authority) -> int:
        index = len(self.profiles)
        profile = _Profile(authority)
        self.profiles.append(profile)
        self.by_id[authority.id] = index
        for scheme, value in authority.identifiers.items():
            self._identifiers.setdefault((scheme, value), index)
        names = [authority.name, *(n.name for n in authority.names)]
        if authority.kind == "person":
            for name in dict.fromkeys(names):
                self._index_person_name(index, profile, name)
            profile.birth = _year(authority.birth)
            profile.death = _year(authority.death)
            for role in authority.roles:
                profile.role_words.update(
                    w.lower().rstrip(".") for w in _CONTEXT_WORDS.findall(role.title)
                )
            if authority.description:
                profile.role_words.update(
                    w.lower().rstrip(".") for w in _CONTEXT_WORDS.findall(authority.description)
                )
            profile.role_words -= _WEAK_TITLE_WORDS
            profile.dated_roles = [
                (role.start or "", role.end or "", _title_words(role.title))
                for role in authority.roles
                if role.start or role.end
            ]
            volumes = sum(1 for scheme in authority.identifiers if scheme.startswith("frus:"))
            profile.prominence = 0.15 * math.log1p(volumes + len(authority.roles))
        else:
            for name in dict.fromkeys(names):
                key = plain_key(name)
                if key:
                    self._plain.setdefault((authority.kind, key), set()).add(index)
        return index

    def _index_person_name(self, index: int, profile: _Profile, name: str) -> None:
        parsed = parse_person_name(name)
        surname = parsed.surname_keys
        given = parsed.forename_keys
        if surname:
            self._surnames.setdefault(" ".join(surname), set()).add(index)
            if len(surname) > 1:  # "Arbenz Guzman": documents say "Arbenz"
                for word in surname:
                    self._surnames.setdefault(word, set()).add(index)
        if surname and given:
            self._full.setdefault(" ".join(given + surname), set()).add(index)
            self._full.setdefault(" ".join(surname + given), set()).add(index)
        profile.given.update(given)
        profile.initials.update(k[:1] for k in given)
        profile.initials.update(_initial(i) for i in parsed.initials)
        for alias in parsed.aliases:
            # "(Fahmi)", "(Harold S. Whiting)", "(Ordway)": other names the source gives,
            # weaker than the name itself (the volume may list the alias on its own too).
            alias_parsed = parse_person_name(alias)
            if alias_parsed.surname_keys:
                self._weak.setdefault(" ".join(alias_parsed.surname_keys), set()).add(index)
            if alias_parsed.surname_keys and alias_parsed.forename_keys:
                full = " ".join(alias_parsed.forename_keys + alias_parsed.surname_keys)
                self._weak.setdefault(full, set()).add(index)
        if given and not parsed.inverted:
            # "Zhou Enlai", "Nuri Birgi": the first word may be the family name.
            self._weak.setdefault(given[0], set()).add(index)
        for word in given:
            self._given_index.setdefault(word, set()).add(index)

    # --- public

    def authority(self, authority_id: str) -> Authority | None:
        index = self.by_id.get(authority_id)
        if index is not None:
            return self.profiles[index].authority
        return self._candidates.get(authority_id)

    def variants(self) -> Iterator[tuple[str, str]]:
        """(variant, canonical) name pairs for :func:`opis.search.names.add_variants`.

        The search table rewrites a variant everywhere, so only safe pairs go in:
        cover names the hand table records (Filippov -> Stalin) and other spellings
        of the surname itself (Caramanlis -> Karamanlis, Pahlevi -> Pahlavi), never a
        form another authority bears as its own surname, nor nicknames and notes in
        parentheses ("Bob", "retired"). Forms the transliteration already unifies
        (Сталин, Stalin) need no entry.
        """
        for index, profile in enumerate(self.profiles):
            authority = profile.authority
            if authority.kind != "person" or authority.status == "candidate":
                continue
            preferred = parse_person_name(authority.name)
            canonical = " ".join(preferred.surname) if preferred.inverted else authority.name
            target = keys_of(canonical)
            if not target:
                continue
            forms: dict[str, bool] = {}
            for name in authority.names:
                if name.kind == "pseudonym":
                    forms[name.name] = True
                    continue
                parsed = parse_person_name(name.name)
                for form in (" ".join(parsed.surname), *parsed.aliases):
                    forms.setdefault(form, False)
            for form, pseudonym in forms.items():
                keys = keys_of(form)
                if not form or not keys or keys == target or len(keys) > 3:
                    continue
                owners = self._surnames.get(" ".join(keys), set())
                if not owners <= {index}:
                    continue  # another person's surname: leave it alone
                if set(keys) & (set(target) | profile.given) or not _NAME_FORM.fullmatch(form):
                    continue  # part of the name ("Chang" of Chang Myon), or a note
                if pseudonym or _same_name(" ".join(keys), " ".join(target)):
                    yield form, canonical

    def link(self, record: Record) -> LinkResult:
        context = _Context(
            record_id=record.id,
            volume=record.collection,
            date=record.date_start or (record.date[:10] if record.date else None),
            year=_year(record.date_start or record.date),
            body=record.body,
        )
        items: list[tuple[str, int, str, str, str | None, int | None]] = []
        for position, mention in enumerate(record.mentions):
            kind = ENTITY_TYPES.get(mention.type.lower())
            if kind is None and mention.type == "term" and mention.key:
                kind = self._term_kind(mention.key, context)
            if kind is not None and not mention.text.lstrip().startswith("["):
                items.append(
                    ("mentions", position, mention.text, kind, mention.key, mention.position)
                )
        for field_name, people in (
            ("from", record.sender),
            ("to", record.to),
            ("signers", record.signers),
        ):
            for position, person in enumerate(people):
                header_kind = (person.key and "person") or _header_kind(person.name)
                if header_kind is not None:
                    items.append((field_name, position, person.name, header_kind, person.key, None))
        # Who handled the cable (deciphered, printed) is a person the record names too.
        for position, event in enumerate(record.transmission):
            if event.agent:
                items.append(("transmission", position, event.agent, "person", None, None))
        choices: dict[int, _Choice | None] = {}
        # Pass 1: keys and names that leave no doubt anchor the record's cast.
        for n, (_, _, text, kind, key, offset) in enumerate(items):
            choice = self._choose(text, kind, key, offset, context)
            choices[n] = choice
            if choice is not None and choice.confidence >= 0.9:
                context.anchors.add(choice.index)
        # Pass 2: namesakes, now that the others are known.
        for n, (_, _, text, kind, key, offset) in enumerate(items):
            choice = choices[n]
            if choice is not None and choice.method == "context":
                choices[n] = self._choose(text, kind, key, offset, context)
        result = LinkResult()
        used_candidates: dict[str, Authority] = {}
        for n, (field_name, position, text, kind, _, _) in enumerate(items):
            choice = choices[n]
            if choice is None:
                candidate = self._candidate(text, kind)
                if candidate is None:
                    continue
                used_candidates[candidate.id] = candidate
                authority_id, confidence, method = candidate.id, 0.0, "candidate"
            else:
                chosen = self.profiles[choice.index].authority
                authority_id, confidence, method = chosen.id, choice.confidence, choice.method
                if chosen.status == "candidate":
                    used_candidates[chosen.id] = chosen
                    confidence, method = 0.0, "candidate"
            result.links.append(
                EntityLink(
                    record_id=record.id,
                    mention=position,
                    text=text,
                    type=kind,
                    authority_id=authority_id,
                    confidence=round(confidence, 3),
                    method=method,
                    field=field_name,
                )
            )
        result.candidates = list(used_candidates.values())
        return result

    def find_mentions(self, text: str) -> list[Mention]:
        """Names of known authorities in running text (a gazetteer), origin ``gazetteer``.

        Takes a run of capitalised words when the whole run (less titles) is a
        known place, organisation or person; a lone surname only when it is not
        an ordinary capitalised word.
        """
        mentions: list[Mention] = []
        for match in _CAPITALISED.finditer(text):
            for kind, start, end in self._gazetteer_matches(match.group()):
                begin = match.start() + start
                mentions.append(
                    Mention(
                        text=text[begin : match.start() + end],
                        type=kind,
                        position=begin,
                        end=match.start() + end,
                        origin="gazetteer",
                    )
                )
        return mentions

    def person_mentions(self, people: Iterable[Person]) -> list[Mention]:
        """Header people as mentions without a body position (origin ``header``)."""
        return [Mention(text=p.name, type="person", key=p.key, origin="header") for p in people]

    def _term_kind(self, key: str, context: _Context) -> str | None:
        """The kind of the authority a FRUS terms-list key names ("AEC" -> an org), if any:
        terms are linked by their key only (most are not entities: "Deptel", "reftel")."""
        if not context.volume:
            return None
        index = self._identifiers.get((f"frus:{context.volume}", key))
        return None if index is None else self.profiles[index].authority.kind

    # --- choosing

    def _choose(
        self, text: str, kind: str, key: str | None, offset: int | None, context: _Context
    ) -> _Choice | None:
        if key and context.volume:
            index = self._identifiers.get((f"frus:{context.volume}", key))
            if index is not None:
                return _Choice(index, 1.0, "key")
        if kind != "person":
            found = self._plain.get((kind, plain_key(text))) or self._plain.get(
                (kind, plain_key(_strip_article(text)))
            )
            if not found:
                return None
            ranked = sorted(found, key=lambda i: (-self.profiles[i].prominence, i))
            return _Choice(ranked[0], 1.0 / len(found), "name" if len(found) == 1 else "context")
        return self._choose_person(text, offset, context)

    def _person_candidates(self, text: str, volume: str | None = None) -> dict[int, float]:
        """Authorities a person name may mean, with a penalty for weak matches."""
        parsed = parse_person_name(text)
        surname = parsed.surname_keys
        given = parsed.forename_keys
        found: dict[int, float] = {}
        if surname and given:
            found.update(dict.fromkeys(self._full.get(" ".join(given + surname), ()), 0.0))
        if surname:
            found.update(dict.fromkeys(self._surnames.get(" ".join(surname), ()), 0.0))
        if not found and given:
            # "Kim Il Sung" written surname first, "Castillo Armas" as two surnames.
            found.update(dict.fromkeys(self._surnames.get(" ".join(given + surname), ()), 0.0))
            found.update(dict.fromkeys(self._surnames.get(given[0], ()), 0.0))
        for key in {" ".join(given + surname), " ".join(surname)}:
            for index in self._weak.get(key, ()):
                found.setdefault(index, -2.0)
        if volume and len(surname) == 1 and not given:
            scheme = f"frus:{volume}"
            for index in self._given_index.get(surname[0], ()):
                if scheme in self.profiles[index].authority.identifiers:
                    found.setdefault(index, -2.5)
        return found

    def _choose_person(self, text: str, offset: int | None, context: _Context) -> _Choice | None:
        found = self._person_candidates(text, context.volume)
        if not found:
            return None
        parsed = parse_person_name(text)
        given = parsed.forename_keys
        initials = [_initial(i) for i in parsed.initials]
        titles = {t.lower() for t in parsed.titles} | self._titles_before(context.body, offset)
        titles -= _WEAK_TITLE_WORDS
        volume_scheme = f"frus:{context.volume}" if context.volume else None
        scored: list[tuple[float, int]] = []
        for index, penalty in found.items():
            profile = self.profiles[index]
            score = profile.prominence + penalty
            if profile.authority.status == "candidate":
                score -= 2.0  # a reviewed record wins over one the linker made up
            authority = profile.authority
            if volume_scheme and volume_scheme in authority.identifiers:
                score += 8.0
            for word in given:
                if word in profile.given:
                    score += 1.5
                elif profile.given and word[:1] not in profile.initials:
                    score -= 3.0
            for letter in initials:
                if letter in profile.initials:
                    score += 0.5
                elif profile.initials:
                    score -= 3.0
            if titles and titles & profile.role_words:
                score += 0.5
            if context.date and profile.dated_roles:
                if index in context.held:
                    held = context.held[index]
                else:
                    held = context.held[index] = _held_words(profile.dated_roles, context.date)
                if held:
                    # An office held on the document's date, named before the name.
                    score += 4.0 if titles & held else 1.0
            scored.append((score, index))
        scored.sort(key=lambda pair: (-pair[0], pair[1]))
        best_score, best = scored[0]
        if len(scored) == 1:
            return _Choice(best, 0.95, "name")
        total = sum(math.exp(s - best_score) for s, _ in scored)
        return _Choice(best, 1.0 / total, "context")

    @staticmethod
    def _titles_before(body: str, offset: int | None) -> set[str]:
        """Title words just before a mention in the body ("Attorney General Kennedy")."""
        if offset is None or offset <= 0:
            return set()
        words = _CONTEXT_WORDS.findall(body[max(0, offset - 40) : offset])
        titles: set[str] = set()
        for word in reversed(words[-4:]):
            if not is_title(word):
                break
            titles.add(word.lower().rstrip("."))
        return titles

    # --- candidates and gazetteer

    def _candidate(self, text: str, kind: str) -> Authority | None:
        key = (text, kind)
        if key not in self._candidate_ids:
            self._candidate_ids[key] = self._candidate_id(text, kind)
        made = self._candidate_ids[key]
        if made is None:
            return None
        authority_id, preferred = made
        existing = self._candidates.get(authority_id)
        if existing is not None:
            if all(n.name != text for n in existing.names):
                existing.names.append(
                    AuthorityName(name=text, kind="original", script=script_of(text))
                )
            return existing
        candidate = Authority(
            id=authority_id,
            kind=kind,
            name=preferred,
            names=[AuthorityName(name=text, kind="original", script=script_of(text))],
            status="candidate",
            sources=["linker"],
        )
        self._candidates[authority_id] = candidate
        return candidate

    @staticmethod
    def _candidate_id(text: str, kind: str) -> tuple[str, str] | None:
        """The candidate authority for an unmatched name; the same written name, the same id.

        The id carries every part of the name that was written ("Ivan Nezlobin" ->
        ``nezlobin-ivan``, "Nezlobin" -> ``nezlobin``), so two people who only share
        a surname are never folded into one candidate.
        """
        if kind == "person":
            parsed = parse_person_name(text)
            if not parsed.surname:
                return None
            initials = [_initial(i) for i in parsed.initials]
            if script_of(text) == "Cyrl":  # case forms: Незлобина and Незлобин meet
                key = "-".join([*parsed.surname_keys, *parsed.forename_keys, *initials])
            else:
                key = slug(" ".join([*parsed.surname, *parsed.forenames, *parsed.initials]))
            given = " ".join([*parsed.forenames, *(f"{i}." for i in parsed.initials)])
            preferred = " ".join(parsed.surname) + (f", {given}" if given else "")
        else:
            words = _strip_article(text)
            key = "-".join(keys_of(words)) if script_of(words) == "Cyrl" else slug(words)
            preferred = words
        if not key:
            return None
        return f"{kind}/candidate/{slug(key) or key}", preferred

    def _gazetteer_matches(self, run: str) -> list[tuple[str, int, int]]:
        """(kind, start, end) of the known names in a capitalised run."""
        words = list(re.finditer(r"\S+", run))
        while len(words) > 1 and is_title(words[0].group()):
            words.pop(0)
        if words and (whole := self._known_span(run, words[0].start(), words[-1].end())):
            return [whole]  # "Joint Commission", "North Korea", "V.M. Molotov"
        while len(words) > 1 and (
            is_title(words[0].group()) or words[0].group().lower() in _SENTENCE_WORDS
        ):
            words.pop(0)
        if not words:
            return []
        whole = self._known_span(run, words[0].start(), words[-1].end())
        if whole is not None:
            return [whole]
        if len(words) == 1:
            return []
        found = []
        for word in words:
            match = self._known_span(run, word.start(), word.end())
            if match is not None:
                found.append(match)
        return found

    def _known_span(self, run: str, start: int, end: int) -> tuple[str, int, int] | None:
        span = re.sub(r"['’]s?$", "", run[start:end].rstrip(".,;:"))
        if not span:
            return None
        for kind in ("place", "org"):
            if (kind, plain_key(span)) in self._plain:
                return kind, start, start + len(span)
        bare = span.lower()
        if bare in _SENTENCE_WORDS or bare in TITLES:
            return None
        parsed = parse_person_name(span)
        if not parsed.surname:
            return None
        if len(parsed.surname) + len(parsed.forenames) == 1:
            word = parsed.surname[0].lower()
            if word in _SENTENCE_WORDS or word in TITLES:
                return None
        if self._person_candidates(span):
            return "person", start, start + len(span)
        return None
