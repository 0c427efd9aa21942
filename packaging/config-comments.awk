# Adds short comments to the rendered default configuration: before `hostname` and under
# [enterprise] (the keys a node needs before it starts).
/^hostname = / {
    print "# This server's name as the other meta servers resolve it: set it before starting."
}
{ print }
/^\[enterprise\]$/ {
    print "# A license is required: set license-key, or license-path and license-issuer-keys."
}
