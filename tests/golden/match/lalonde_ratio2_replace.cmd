match --data @DATA@/lalonde.csv --formula "treat ~ age + educ + race + married + nodegree + re74 + re75" --format json --ratio 2 --replace
