# embed.cmake - turns a file into a C array at build time (cmake -P), so
# the portal serves its OpenAPI document without reading a file at run time.
#   cmake -DIN=openapi.json -DOUT=openapi_json.c -DNAME=portal_openapi_json -P embed.cmake
file(READ ${IN} hex HEX)
string(LENGTH "${hex}" n)
math(EXPR len "${n} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," body "${hex}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n" body "${body}")
file(WRITE ${OUT} "/* generated from ${IN} by embed.cmake: do not edit */\n#include <stddef.h>\nconst unsigned char ${NAME}[] = {\n${body}0x00\n};\nconst size_t ${NAME}_len = ${len};\n")
