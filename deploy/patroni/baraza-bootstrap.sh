#!/bin/sh
# Patroni's post_bootstrap (deploy/patroni/patroni.yml): run once, by the first leader,
# with a superuser connection string as $1. Makes the role and the empty database barazad
# uses. Set the role's password afterwards (psql: \password baraza), never on a command line.
set -eu
psql -v ON_ERROR_STOP=1 "$1" <<'SQL'
CREATE ROLE baraza LOGIN;
CREATE DATABASE baraza OWNER baraza ENCODING 'UTF8';
SQL
