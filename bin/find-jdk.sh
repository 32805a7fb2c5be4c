# Sourced by bin/* and .ci/run: points JAVA_HOME at a JDK >= 21 (the build uses --release 21).
# Order: $JAVA_HOME if it is recent enough, then `java` on the PATH, then any JDK under /usr/lib/jvm
# or /opt (newest first).
_gk_java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -1 | cut -d. -f1; }
_gk_ok() { [ -x "$1/bin/javac" ] && [ "$(_gk_java_major "$1")" -ge 21 ] 2>/dev/null; }
if [ -n "${JAVA_HOME:-}" ] && _gk_ok "$JAVA_HOME"; then
  :
else
  _gk_found=""
  if command -v javac >/dev/null 2>&1; then
    _gk_candidate=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    _gk_ok "$_gk_candidate" && _gk_found="$_gk_candidate"
  fi
  if [ -z "$_gk_found" ]; then
    for _gk_candidate in $(ls -d /usr/lib/jvm/*/ /opt/*jdk*/ /opt/java/*/ 2>/dev/null | sort -rV); do
      _gk_candidate=${_gk_candidate%/}
      if _gk_ok "$_gk_candidate"; then _gk_found="$_gk_candidate"; break; fi
    done
  fi
  if [ -z "$_gk_found" ]; then
    echo "Gatekeep needs a JDK 21 or newer: set JAVA_HOME to one (e.g. apt-get install openjdk-21-jdk, or Temurin)." >&2
    return 1 2>/dev/null || exit 1
  fi
  export JAVA_HOME="$_gk_found"
fi
export PATH="$JAVA_HOME/bin:$PATH"
