logit --data @TESTS@/golden/formats/lalonde.dta --formula "treat ~ age + educ + race + re74" --format json
