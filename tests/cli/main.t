# The obsurv command itself.

case version
run --version
exit 0
stdout obsurv
end

case no command
run
exit 2
stdout-empty
stderr usage: obsurv
end

case unknown command
run frobnicate
exit 2
stdout-empty
stderr unknown command 'frobnicate'
end

case help lists commands
run --help
exit 0
stdout km
stdout cox
end
