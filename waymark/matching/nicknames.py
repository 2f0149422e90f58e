"""A modest table of given-name variants: nicknames, short forms and common transliterations.

Each group has one canonical name (the key). A name may belong to more than one group
("Alex" is short for Alexander and Alexandra); ``canonical_names`` returns every group.
Extend it with care: a wrong entry makes unrelated people look alike.
"""

from __future__ import annotations

from functools import cache

NICKNAME_GROUPS: dict[str, tuple[str, ...]] = {
    "abigail": ("abi", "abby", "abbie", "gail"),
    "alexander": ("alex", "alec", "sandy", "xander", "alastair", "alistair", "alasdair"),
    "alexandra": ("alex", "alexa", "lexi", "sandra", "sasha", "alexandria"),
    "andrew": ("andy", "drew", "andi"),
    "anthony": ("tony", "antony", "anton"),
    "barbara": ("barb", "babs", "barbra"),
    "benjamin": ("ben", "benny", "benji"),
    "catherine": (
        "kate",
        "katie",
        "katy",
        "cathy",
        "kathy",
        "cath",
        "kath",
        "katherine",
        "kathryn",
        "catrin",
        "caitlin",
        "kat",
        "kitty",
        "katharine",
        "cathryn",
        "kay",
    ),
    "charles": ("charlie", "chas", "chuck", "carl"),
    "charlotte": ("lottie", "charlie", "lotte"),
    "christopher": ("chris", "kit", "topher", "kristopher", "christoph"),
    "christine": ("chris", "christina", "kristina", "kristine", "tina", "chrissie", "kirsty", "kirsten"),
    "daniel": ("dan", "danny", "dani"),
    "david": ("dave", "davy", "davey", "dai", "dewi"),
    "deborah": ("debbie", "debra", "deb", "debby"),
    "edward": ("ed", "eddie", "eddy", "ted", "teddy", "ned"),
    "elizabeth": (
        "liz",
        "lizzie",
        "lizzy",
        "beth",
        "betty",
        "bess",
        "eliza",
        "libby",
        "elisabeth",
        "betsy",
        "elspeth",
        "lisa",
        "liza",
        "elsie",
    ),
    "eleanor": ("ellie", "nell", "nellie", "elinor", "ella", "leonora", "nora"),
    "francis": ("frank", "frankie", "fran"),
    "frances": ("fran", "frankie", "fanny"),
    "gregory": ("greg",),
    "henry": ("harry", "hal", "hank"),
    "isabel": ("isabella", "izzy", "bella", "isobel", "isabelle", "ishbel"),
    "jacqueline": ("jackie", "jacky", "jacquie"),
    "james": ("jim", "jimmy", "jamie", "jimmie", "seamus", "hamish"),
    "jennifer": ("jen", "jenny", "jenni", "jennie"),
    "john": ("jack", "johnny", "jon", "sean", "shaun", "shawn", "ian", "iain", "evan", "ivan", "juan", "jonny"),
    "jonathan": ("jon", "jonny", "johnny", "nathan"),
    "joseph": ("joe", "joey", "jo", "jos"),
    "josephine": ("jo", "josie", "jose"),
    "katarzyna": ("kasia", "kasha", "kate", "katarina", "katrina"),
    "kenneth": ("ken", "kenny"),
    "lawrence": ("larry", "laurie", "laurence", "lorenzo"),
    "leonard": ("len", "lenny", "leo"),
    "margaret": (
        "maggie",
        "meg",
        "megan",
        "peggy",
        "marge",
        "margie",
        "greta",
        "rita",
        "mags",
        "maisie",
        "margret",
        "marguerite",
        "daisy",
        "mairead",
    ),
    "mary": ("molly", "polly", "mae", "mamie", "maria", "marie", "mari", "mair", "maire", "miriam", "moira"),
    "matthew": ("matt", "matty", "mathew"),
    "michael": ("mike", "mick", "mickey", "micky", "mikey", "mich", "micheal", "michal", "mikhail", "mihail"),
    "mohammed": (
        "mohammad",
        "muhammad",
        "muhammed",
        "mohamed",
        "mohamad",
        "mohd",
        "mo",
        "mehmet",
        "mahomed",
        "muhamad",
        "mohammod",
        "mahmoud",
        "mahmood",
        "mehmood",
    ),
    "nicholas": ("nick", "nicky", "nico", "nicolas", "nikolai", "nikolas", "klaus"),
    "nicola": ("nicky", "nikki", "nicole", "nichola", "nikola"),
    "patricia": ("pat", "patty", "patsy", "trish", "tricia", "trisha"),
    "patrick": ("pat", "paddy", "padraig", "patsy"),
    "peter": ("pete", "piotr", "pedro", "pierre", "pietro"),
    "rebecca": ("becky", "becca", "bex", "rebekah", "reba"),
    "richard": ("rich", "rick", "ricky", "dick", "richie", "rico", "ryszard"),
    "robert": ("rob", "robbie", "bob", "bobby", "bert", "rab", "robin", "roberto"),
    "samantha": ("sam", "sammy", "sammie"),
    "samuel": ("sam", "sammy", "samuele", "shmuel"),
    "sarah": ("sara", "sally", "sadie", "zara", "sarai"),
    "stephen": ("steve", "steven", "stevie", "steph", "stefan", "stephan", "esteban"),
    "stephanie": ("steph", "stephie", "stefanie", "steffi"),
    "susan": ("sue", "susie", "suzy", "suzanne", "susanna", "susannah", "suzanna"),
    "theodore": ("theo", "ted", "teddy"),
    "thomas": ("tom", "tommy", "thom", "tomas", "tomasz"),
    "timothy": ("tim", "timmy"),
    "victoria": ("vicky", "vicki", "tori", "vikki", "viktoria"),
    "william": ("will", "bill", "billy", "willie", "willy", "liam", "wil", "wilhelm", "guillaume"),
    "aleksander": ("olek", "aleks", "alex"),
    "fatima": ("fatimah", "fatma", "fatema"),
    "aisha": ("ayesha", "aysha", "aishah", "ayisha"),
    "ahmed": ("ahmad", "ahmet", "ahmid"),
    "yusuf": ("yousef", "youssef", "yusef", "joseph"),
    "ibrahim": ("ebrahim", "ibraheem", "abraham"),
    "siobhan": ("shivaun", "shevaun", "chevonne"),
    "niamh": ("neve", "neave", "nieve"),
    "aoife": ("eva", "eefa"),
}


@cache
def _index() -> dict[str, frozenset[str]]:
    index: dict[str, set[str]] = {}
    for canonical, variants in NICKNAME_GROUPS.items():
        index.setdefault(canonical, set()).add(canonical)
        for variant in variants:
            index.setdefault(variant, set()).add(canonical)
    return {name: frozenset(groups) for name, groups in index.items()}


def canonical_names(normalised_given: str) -> frozenset[str]:
    """Every canonical name the given name belongs to; the name itself when it is in no group.

    Only the first word of a given name counts ("Mary Jane" -> mary's group).
    """
    first = normalised_given.split(" ", 1)[0] if normalised_given else ""
    if not first:
        return frozenset()
    return _index().get(first, frozenset({first}))


def are_nicknames(a: str, b: str) -> bool:
    """True when two different given names share a nickname group."""
    if not a or not b or a == b:
        return False
    first_a, first_b = a.split(" ", 1)[0], b.split(" ", 1)[0]
    if first_a == first_b:
        return False
    return bool(canonical_names(a) & canonical_names(b))
