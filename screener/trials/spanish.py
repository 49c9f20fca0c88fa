"""Spanish plain words for rules read automatically from the registry.

The reader (reader.py) words each rule it reads in English from the operator
table; curated files carry a hand-written Spanish sentence beside the English,
and this gives registry trials the same, so a family reading in Spanish sees
the pre-screen's own words in Spanish (the registry's verbatim text stays in
English, marked as such). Pure Python, like the reader: no Flask.

Every field and operator the reader can produce has words here; a rule with
something unknown falls back to None, and the page then shows the English
sentence marked "(solo en inglés)" rather than a half-translated one.
"""

from __future__ import annotations

import re

from ..eligibility.operators import _days_of

FIELDS = {
    "age": "edad",
    "age_at_diagnosis": "edad al diagnóstico",
    "sex": "sexo",
    "diagnosis": "tipo de LLA",
    "early_t_precursor": "leucemia de precursores T tempranos (ETP)",
    "disease_status": "situación de la enfermedad",
    "relapse_count": "número de recaídas",
    "months_from_diagnosis_to_relapse": "meses desde el diagnóstico hasta la primera recaída",
    "in_remission": "estar en remisión ahora",
    "marrow_blasts_percent": "blastos en la médula ósea (%)",
    "wbc_at_diagnosis_per_ul": "glóbulos blancos al diagnóstico (por microlitro)",
    "mrd.status": "resultado de la enfermedad residual medible (ERM)",
    "mrd.level": "nivel de ERM",
    "philadelphia_chromosome": "cromosoma Filadelfia (BCR::ABL1)",
    "genetics.kmt2a_rearranged": "reordenamiento de KMT2A (MLL)",
    "genetics.ph_like": "leucemia similar a Filadelfia (BCR::ABL1-like)",
    "genetics.etv6_runx1": "ETV6::RUNX1",
    "genetics.high_hyperdiploid": "hiperdiploidía alta",
    "genetics.hypodiploid": "hipodiploidía",
    "genetics.iamp21": "iAMP21",
    "genetics.tcf3_pbx1": "TCF3::PBX1",
    "genetics.abl1_t315i": "mutación T315I",
    "cd19": "CD19 en las células leucémicas",
    "cd22": "CD22 en las células leucémicas",
    "cns_status": "estado del líquido cefalorraquídeo (SNC)",
    "isolated_extramedullary_relapse": "recaída solo fuera de la médula ósea",
    "active_gvhd": "enfermedad de injerto contra huésped activa",
    "down_syndrome": "síndrome de Down",
    "seizure_disorder": "convulsiones u otra enfermedad del cerebro o los nervios",
    "pregnant_or_breastfeeding": "embarazo o lactancia",
    "infections.hiv": "VIH",
    "infections.hepatitis_b": "hepatitis B activa",
    "infections.hepatitis_c": "hepatitis C activa",
    "infections.uncontrolled_infection": "una infección que no está controlada",
    "organ_function.creatinine_clearance_ml_min": "aclaramiento de creatinina (mL/min)",
    "organ_function.bilirubin_x_uln": "bilirrubina (veces el límite superior normal)",
    "organ_function.alt_x_uln": "ALT (veces el límite superior normal)",
    "organ_function.ast_x_uln": "AST (veces el límite superior normal)",
    "organ_function.lvef_percent": "fracción de eyección del corazón (FEVI, %)",
}

VALUES = {
    "b_all": "LLA de células B", "t_all": "LLA de células T",
    "mixed_phenotype": "leucemia de fenotipo mixto",
    "lymphoblastic_lymphoma": "linfoma linfoblástico", "other": "otro",
    "newly_diagnosed": "recién diagnosticada", "relapsed": "en recaída",
    "refractory": "refractaria", "positive": "positivo", "negative": "negativo",
    "cns1": "SNC1", "cns2": "SNC2", "cns3": "SNC3", "female": "femenino", "male": "masculino",
}

THERAPIES = {
    "multiagent_chemotherapy": "quimioterapia con varios medicamentos",
    "asparaginase": "asparaginasa",
    "anthracycline": "una antraciclina (como doxorrubicina o daunorrubicina)",
    "intrathecal_chemotherapy": "quimioterapia en el líquido cefalorraquídeo",
    "corticosteroids": "esteroides",
    "nelarabine": "nelarabina",
    "clofarabine": "clofarabina",
    "blinatumomab": "blinatumomab (Blincyto)",
    "inotuzumab_ozogamicin": "inotuzumab ozogamicina (Besponsa)",
    "cd19_car_t": "terapia CAR-T contra CD19 (como Kymriah o Tecartus)",
    "cd22_car_t": "terapia CAR-T contra CD22",
    "other_car_t": "otra terapia CAR-T",
    "imatinib": "imatinib (Gleevec)",
    "dasatinib": "dasatinib (Sprycel)",
    "nilotinib": "nilotinib (Tasigna)",
    "ponatinib": "ponatinib (Iclusig)",
    "asciminib": "asciminib (Scemblix)",
    "venetoclax": "venetoclax (Venclexta)",
    "bortezomib": "bortezomib (Velcade)",
    "daratumumab": "daratumumab (Darzalex)",
    "rituximab": "rituximab (Rituxan)",
    "cranial_radiation": "radiación en la cabeza",
    "allogeneic_hsct": "un trasplante de células madre de un donante",
    "autologous_hsct": "un trasplante de células madre con sus propias células",
    "investigational_agent": "un medicamento en investigación (de un estudio)",
}

_UNITS = {"year": ("año", "años"), "month": ("mes", "meses"), "week": ("semana", "semanas"),
          "day": ("día", "días"), "hour": ("hora", "horas"), "minute": ("minuto", "minutos")}

OR_MORE = " (u otra situación que comprueba el equipo del estudio)"
AND_MORE = " (y más cosas que comprueba el equipo del estudio)"


class _Unknown(Exception):
    """A field, value or operator without Spanish words here."""


def _num(x) -> str:
    if isinstance(x, float) and x.is_integer():
        x = int(x)
    return str(x).replace(".", ",") if isinstance(x, float) else str(x)


def _value(v) -> str:
    if isinstance(v, bool):
        return "sí" if v else "no"
    if isinstance(v, (int, float)):
        return _num(v)
    if v in VALUES:
        return VALUES[v]
    raise _Unknown(v)


def _field(name: str) -> str:
    if name not in FIELDS:
        raise _Unknown(name)
    return FIELDS[name]


def _therapies(names: list[str]) -> str:
    try:
        words = [THERAPIES[n] for n in names]
    except KeyError as exc:
        raise _Unknown(exc.args[0]) from None
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " o " + words[-1]


def age_words(limit: str) -> str:
    """ "21 Years" -> "21 años" (the registry's units, singular or plural)."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s+([A-Za-z]+?)s?\s*", limit)
    if not m or m.group(2).lower() not in _UNITS:
        raise _Unknown(limit)
    n = m.group(1)
    one, many = _UNITS[m.group(2).lower()]
    return f"{n} {one if n == '1' else many}"


def age_sentence(minimum: str | None, maximum: str | None) -> str | None:
    """The registry's structured age limits in Spanish, or None if a unit has no words."""
    try:
        parts = ([f"al menos {age_words(minimum)}"] if minimum else []) + (
            [f"como máximo {age_words(maximum)} (en unidades cumplidas)"] if maximum else [])
    except _Unknown:
        return None
    return "Edad: " + " y ".join(parts) + "." if parts else None


def _months(n) -> str:
    days = _days_of(n)
    if days is not None:  # a wait the text gave in days or weeks
        return f"{days // 7} semanas" if days % 7 == 0 else f"{days} días"
    return f"{_num(n)} mes" if n == 1 else f"{_num(n)} meses"


def _leaf(rule: dict) -> str:
    field, op, v = rule["field"], rule["op"], rule["value"]
    if op == "is":
        return _field(field) if v else f"sin {_field(field)}"
    if op in ("eq", "ne"):
        return f"{_field(field)} {'es' if op == 'eq' else 'no es'} {_value(v)}"
    if op in ("in", "not_in"):
        word = "es uno de" if op == "in" else "no es ninguno de"
        return f"{_field(field)} {word}: {', '.join(_value(x) for x in v)}"
    comparisons = {"lt": "menor que", "lte": "como máximo", "gt": "mayor que",
                   "gte": "al menos"}
    if op in comparisons:
        return f"{_field(field)} {comparisons[op]} {_num(v)}"
    if op == "between":
        if v[0] == v[1]:
            return f"{_field(field)}: exactamente {_num(v[0])}"
        return f"{_field(field)} de {_num(v[0])} a {_num(v[1])}"
    if op == "age_at_least":
        return f"{_field(field)} al menos {age_words(v)}"
    if op == "age_at_most":
        return f"{_field(field)} como máximo {age_words(v)} (en unidades cumplidas)"
    if op == "received":
        return f"haber recibido {_therapies(v)}"
    if op == "not_received":
        return f"no haber recibido {_therapies(v)}"
    if op == "received_only":
        return (f"ningún tratamiento aparte de {_therapies(v)}" if v
                else "ningún tratamiento hasta ahora")
    if op == "received_within":
        return f"haber recibido {_therapies(v['therapies'])} hace menos de {_months(v['months'])}"
    if op == "received_at_least_months_ago":
        return (f"haber recibido {_therapies(v['therapies'])} hace al menos "
                f"{_months(v['months'])}")
    if op == "received_with_outcome":
        how = {"refractory": "sin respuesta", "intolerant": "con intolerancia",
               "responded": "con respuesta"}
        try:
            said = " o ".join(how[o] for o in v["outcomes"])
        except KeyError as exc:
            raise _Unknown(exc.args[0]) from None
        return f"haber recibido {_therapies(v['therapies'])} {said}"
    if op == "received_at_least":
        return f"haber recibido al menos {v['count']} de: {_therapies(v['therapies'])}"
    if op in ("performance_at_least", "performance_at_most"):
        scale = "ECOG" if v["scale"] == "ecog" else v["scale"].title()
        word = "al menos" if op == "performance_at_least" else "como máximo"
        return f"puntuación {scale} {word} {v['score']}"
    raise _Unknown(op)


def unique(words) -> list[str]:
    """Each description once ("Down syndrome; Down syndrome" read from two wordings)."""
    return list(dict.fromkeys(w for w in words if w))


def implication(rule: dict) -> tuple[dict, dict] | None:
    """(condition, requirement) of any[not condition, requirement], the shape of "if X: Y"."""
    members = rule.get("any")
    if isinstance(members, list) and len(members) == 2 and "not" in members[0] and (
            "not_screened" not in members[1]):
        return members[0]["not"], members[1]
    return None


def edge_wait(rule: dict) -> dict | None:
    """The longer wait of any[within A, all[within B, not_screened]] (a wait in days whose
    edge month the study team checks), to be said once: "in the last 100 days"."""
    members = rule.get("any")
    if not (isinstance(members, list) and len(members) == 2):
        return None
    short, edge = members
    inner = edge.get("all") if isinstance(edge, dict) else None
    if not (isinstance(inner, list) and len(inner) == 2 and "not_screened" in inner[1]):
        return None
    long = inner[0]
    for leaf in (short, long):
        if leaf.get("op") not in ("received_within", "received_at_least_months_ago",
                                  "age_at_least", "age_at_most"):
            return None
    if short["op"] != long["op"] or short["field"] != long["field"]:
        return None
    if short["op"].startswith("received") and (
            sorted(short["value"]["therapies"]) != sorted(long["value"]["therapies"])):
        return None
    return long  # (an age "over 75" that excludes: from 76, and 75 for the study team)


def cohort_scope(rule: dict) -> tuple[dict, dict] | None:
    """(rule, who) of a criterion scoped to one cohort of the study (``assemble._scoped``):
    all[R, any[who, (not R), not_screened]] for an exclusion, any[R, all[not who,
    not_screened]] for a requirement -- said as "R (in the part of the study for who)"."""
    if isinstance(rule.get("all"), list) and len(rule["all"]) == 2:
        inner, scope = rule["all"]
        members = scope.get("any") if isinstance(scope, dict) else None
        if (isinstance(members, list) and members and members[0].get("field") == "diagnosis"
                and "not_screened" in members[-1]
                and all(m == {"not": _core(inner)} for m in members[1:-1])):
            return inner, members[0]
    if isinstance(rule.get("any"), list) and len(rule["any"]) == 2:
        inner, other = rule["any"]
        parts = other.get("all") if isinstance(other, dict) else None
        if (isinstance(parts, list) and len(parts) == 2 and "not" in parts[0]
                and parts[0]["not"].get("field") == "diagnosis" and "not_screened" in parts[1]):
            return inner, parts[0]["not"]
    return None


def _core(rule: dict) -> dict:
    """What ``_scoped`` asks about: the read members of an any[...] with unread ones."""
    seen = [r for r in rule.get("any", []) if "not_screened" not in r]
    return seen[0] if len(seen) == 1 else {"any": seen}


def seen_part(rule: dict) -> tuple[dict | None, bool]:
    """A group without its not_screened members, and whether it had any."""
    for key in ("all", "any"):
        if key in rule:
            kept = [r for r in rule[key] if "not_screened" not in r]
            unseen = len(kept) < len(rule[key])
            if not kept:
                return None, unseen
            return (kept[0] if len(kept) == 1 else {key: kept}), unseen
    return rule, False


def _describe(rule: dict) -> str:
    if "field" in rule:
        return _leaf(rule)
    if "not_screened" in rule:
        return ""
    edge = edge_wait(rule)
    if edge:
        return _describe(edge) + " (cerca del límite, lo comprueba el equipo del estudio)"
    scoped = cohort_scope(rule)
    if scoped:
        inner, who = (_describe(r) for r in scoped)
        return f"{inner} (en la parte del estudio para: {who})" if inner else ""
    implied = implication(rule)  # any[not X, Y]: "if X: Y"
    if implied:
        condition, then = (_describe(r) for r in implied)
        return f"si {condition}: {then}" if condition and then else ""
    if "not" in rule:
        seen, unseen = seen_part(rule["not"])
        inner = _describe(seen) if seen else ""
        if not inner:
            return ""
        return f"no ({inner})" + (" (el equipo del estudio comprueba los detalles)" if unseen
                                  else "")
    for key, joiner, more in (("any", " o ", OR_MORE), ("all", "; ", AND_MORE)):
        if key in rule:
            return group_words(key, rule[key], _describe, joiner, more, (OR_MORE, AND_MORE))
    raise _Unknown(rule)


def group_words(key: str, children: list, describe, joiner: str, more: str,
                suffixes: tuple[str, ...] = ()) -> str:
    """An all/any group in words, in either language.

    A group of the other kind inside it is put in brackets ("in remission; (newly
    diagnosed or refractory)" would otherwise read as three flat parts), and the
    "and more that the study team checks" closing a nested group is not said twice.
    """
    parts = []
    for child in children:
        words = describe(child)
        other = "all" if key == "any" else "any"
        if words and other in child and sum(1 for c in child[other]
                                            if "not_screened" not in c) > 1:
            words = f"({words})"
        parts.append(words)
    words = joiner.join(unique(parts))
    unseen = any("not_screened" in r for r in children)
    if not words or not unseen or any(words.endswith(end) or words.endswith(end + ")")
                                      for end in (more, *suffixes)):
        return words  # one "the study team checks" closing the words is enough
    return words + more


def sentence(rule: dict) -> str | None:
    """The rule as one Spanish sentence, or None when something has no Spanish words."""
    try:
        words = _describe(rule)
    except _Unknown:
        return None
    return words[:1].upper() + words[1:] + "." if words else None
