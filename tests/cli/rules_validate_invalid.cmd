# every problem of a broken rule file, as file:line:col with a code
exit 1
rules
validate
--no-color
fixtures/rules/invalid
