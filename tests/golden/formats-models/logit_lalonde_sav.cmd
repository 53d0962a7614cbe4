logit --data @TESTS@/golden/formats/lalonde.sav --formula "treat ~ age + educ + race + re74" --format json
