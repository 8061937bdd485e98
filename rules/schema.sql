-- rules.db: the compiled rule database of bouncewhy.
--
-- Written by bw_rules_compile() (tools/bw-rulec, `bouncewhy rules compile`)
-- from rules/**/*.rules; read by bw_rules_open().  The text format and the
-- precedence are described in doc/rules-format.md.  The same sources always
-- give a byte-identical file: rows are inserted in source order, and nothing
-- time- or host-dependent is stored.
--
-- The library embeds this file at build time (lib/rules/meson.build): it is
-- the one definition of the schema.  Change BW_RULES_SCHEMA_VERSION in
-- lib/rules/rules_set.h together with meta.schema_version when it changes;
-- a library refuses a database whose schema_version is not its own.

-- schema_version: integer as text; source_hash: hex SHA-256 over the sources
-- (for each file in path order: its recorded path, a NUL, its length as
-- 8 bytes big-endian, its bytes).
CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

-- [provider ID] sections.  seq is the source order.
CREATE TABLE provider (
	seq  INTEGER PRIMARY KEY,
	id   TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	url  TEXT NOT NULL DEFAULT '',
	file TEXT NOT NULL,           -- source file, relative to the rules/ root
	line INTEGER NOT NULL         -- line of the [provider] header
);

-- Recipient domains of a provider (a domain matches itself and subdomains).
CREATE TABLE provider_domain (
	provider TEXT NOT NULL REFERENCES provider(id),
	seq      INTEGER NOT NULL,
	domain   TEXT NOT NULL,
	PRIMARY KEY (provider, seq)
);

-- Remote MTA host name suffixes of a provider (matched at a label boundary).
CREATE TABLE provider_host (
	provider TEXT NOT NULL REFERENCES provider(id),
	seq      INTEGER NOT NULL,
	host     TEXT NOT NULL,
	PRIMARY KEY (provider, seq)
);

-- Words that name a provider inside a reply ("gsmtp"), or host names whose
-- appearance in a reply's URLs or bracketed host names names it.
CREATE TABLE provider_mark (
	provider TEXT NOT NULL REFERENCES provider(id),
	seq      INTEGER NOT NULL,
	mark     TEXT NOT NULL,
	PRIMARY KEY (provider, seq)
);

-- [rule ID] sections.  seq is the source order (files sorted by path, rules
-- in file order); tier is 1 provider, 2 text, 3 status, 4 lexicon (`cues`,
-- priority holds the weight), 5 generic text, 6 reply/other.
-- Conditions are NULL when absent; list conditions hold space-separated
-- words.  permanent and hard are NULL when the rule does not say, else 0/1.
CREATE TABLE rule (
	seq       INTEGER PRIMARY KEY,
	id        TEXT NOT NULL UNIQUE,
	file      TEXT NOT NULL,
	line      INTEGER NOT NULL,
	tier      INTEGER NOT NULL,
	priority  INTEGER NOT NULL DEFAULT 0,
	provider  TEXT REFERENCES provider(id),
	text      TEXT,
	status    TEXT,
	reply     TEXT,
	command   TEXT,
	format    TEXT,
	action    TEXT,
	reason    TEXT NOT NULL,
	fault     TEXT,
	permanent INTEGER,
	hard      INTEGER,
	explain   TEXT
);

-- The repeatable outputs of a rule, in source order.
CREATE TABLE rule_remedy (
	rule TEXT NOT NULL REFERENCES rule(id),
	seq  INTEGER NOT NULL,
	text TEXT NOT NULL,
	PRIMARY KEY (rule, seq)
);

CREATE TABLE rule_ref (
	rule TEXT NOT NULL REFERENCES rule(id),
	seq  INTEGER NOT NULL,
	url  TEXT NOT NULL,
	PRIMARY KEY (rule, seq)
);

CREATE TABLE rule_example (
	rule TEXT NOT NULL REFERENCES rule(id),
	seq  INTEGER NOT NULL,
	text TEXT NOT NULL,
	PRIMARY KEY (rule, seq)
);

-- The literal prefilter of each text rule, derived at build time so that
-- opening the database does not derive it again (lib/rules/rules_prefilter.c,
-- bw_rules__literals()): the strings joined by newlines, '' when no prefilter
-- can be derived (the pattern is always tried).  Used only when
-- meta.prefilter_version is the reading library's; otherwise (or for a rule
-- without a row) the library derives the literals itself.  alternatives: the
-- same for each top-level alternative of a pattern that has several
-- (bw_rules__alternatives()), in order, separated by the byte 0x1E; NULL when
-- the pattern is matched whole.
CREATE TABLE rule_prefilter (
	rule         INTEGER PRIMARY KEY REFERENCES rule(seq),
	literals     TEXT NOT NULL,
	alternatives TEXT
);

-- Everything above that bw_rules_open() reads (providers with their lists,
-- rules with their lists and prefilter literals), in one blob written by the
-- same compiler, so that opening the database is one query and one copy
-- (lib/rules/rules_db.c, "the image"; its layout is the library's own).
-- Read only when version is the reading library's and
-- meta.prefilter_version is too; otherwise the tables above are read.
CREATE TABLE rule_image (
	version TEXT NOT NULL,
	data    BLOB NOT NULL
);
