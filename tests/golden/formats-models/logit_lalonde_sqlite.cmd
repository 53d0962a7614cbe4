logit --data @TESTS@/golden/formats/lalonde.sqlite --formula "treat ~ age + educ + race + re74" --format json
