/*
 * Data Prepper's expression language, written from the feature inventory (shared/reference/data-prepper.md §6).
 *
 * Precedence, loosest to tightest:
 *   and / or (one level, left-associative)
 *   == !=
 *   =~ !~            (operands: JSON pointer, string literal or function call)
 *   < <= > >=
 *   in / not in      (right side: a set literal), typeof
 *   + -              (+ also concatenates two strings)
 *   * / %
 *   unary not, unary -
 *   primaries: parentheses, JSON pointers, function calls, set literals, literals
 *
 * Keyword operators carry their surrounding whitespace inside the token, as upstream's do: "/a and /b" is valid,
 * "/a and/b" and "not(/a)" are not.
 */
grammar DataPrepperExpression;

statement
    : expression EOF
    ;

expression
    : left=expression op=(AND | OR) right=equalityExpression                     # logicalExpression
    | equalityExpression                                                          # equalityLevel
    ;

equalityExpression
    : left=equalityExpression op=(EQUAL | NOT_EQUAL) right=regexExpression        # equalityComparison
    | regexExpression                                                             # regexLevel
    ;

regexExpression
    : left=regexOperand op=(MATCH_REGEX | NOT_MATCH_REGEX) right=regexOperand     # regexMatch
    | relationalExpression                                                        # relationalLevel
    ;

regexOperand
    : jsonPointer
    | stringLiteral
    | function
    ;

relationalExpression
    : left=relationalExpression op=(LT | LTE | GT | GTE) right=setExpression      # relationalComparison
    | setExpression                                                               # setLevel
    ;

setExpression
    : left=setExpression op=(IN_SET | NOT_IN_SET) right=setInitializer            # setMembership
    | JsonPointer TYPEOF typeName=Identifier                                      # typeOf
    | additiveExpression                                                          # additiveLevel
    ;

additiveExpression
    : left=additiveExpression op=(PLUS | MINUS) right=multiplicativeExpression    # additive
    | multiplicativeExpression                                                    # multiplicativeLevel
    ;

multiplicativeExpression
    : left=multiplicativeExpression op=(MULTIPLY | DIVIDE | MOD) right=unaryExpression  # multiplicative
    | unaryExpression                                                                   # unaryLevel
    ;

unaryExpression
    : NOT unaryExpression                                                         # logicalNot
    | MINUS unaryExpression                                                       # negation
    | primary                                                                     # primaryLevel
    ;

primary
    : LPAREN expression RPAREN                                                    # parenthesized
    | jsonPointer                                                                 # pointer
    | function                                                                    # functionCall
    | setInitializer                                                              # setLiteral
    | literal                                                                     # literalValue
    ;

setInitializer
    : LBRACE setMember (COMMA setMember)* RBRACE
    ;

setMember
    : MINUS? (Integer | Float)
    | literal
    | jsonPointer
    | function
    ;

function
    : name=Identifier LPAREN (functionArgument (COMMA functionArgument)*)? RPAREN
    ;

// Inside a call an unquoted pointer names an event key; a quoted pointer is just a string.
functionArgument
    : JsonPointer
    | QuotedJsonPointer
    | stringLiteral
    ;

jsonPointer
    : JsonPointer
    | QuotedJsonPointer
    ;

literal
    : Integer
    | Float
    | TRUE
    | FALSE
    | NULL
    | stringLiteral
    ;

stringLiteral
    : String
    | TripleQuotedString
    ;

// ---- lexer ----

AND        : Space 'and' Space ;
OR         : Space 'or' Space ;
NOT_IN_SET : Space 'not in' Space ;
IN_SET     : Space 'in' Space ;
TYPEOF     : Space 'typeof' Space ;
NOT        : 'not' Space ;

TRUE  : 'true' ;
FALSE : 'false' ;
NULL  : 'null' ;

EQUAL           : '==' ;
NOT_EQUAL       : '!=' ;
MATCH_REGEX     : '=~' ;
NOT_MATCH_REGEX : '!~' ;
LTE             : '<=' ;
GTE             : '>=' ;
LT              : '<' ;
GT              : '>' ;
PLUS            : '+' ;
MINUS           : '-' ;
MULTIPLY        : '*' ;
MOD             : '%' ;
LPAREN          : '(' ;
RPAREN          : ')' ;
LBRACE          : '{' ;
RBRACE          : '}' ;
COMMA           : ',' ;

Float
    : Digits '.' Digits ([eE] [+-]? Digits)?
    ;

Integer
    : '0'
    | [1-9] [0-9]*
    ;

JsonPointer
    : ('/' PointerSegmentChar+)+
    ;

// A bare "/" (not followed by a segment character) is division.
DIVIDE : '/' ;

// Declared before String so that a quoted text starting with "/" is a pointer, as upstream.
QuotedJsonPointer
    : '"/' (~["\\] | '\\' [btnfr"'\\/])* '"'
    ;

TripleQuotedString
    : '"""' (~[\\$] | StringEscape)*? '"""'
    ;

String
    : '"' (~["\\$] | StringEscape)* '"'
    ;

Identifier
    : [A-Za-z_] [A-Za-z0-9_]*
    ;

WHITESPACE : Space -> skip ;

fragment Space : [ \t\r\n] ;
fragment Digits : [0-9]+ ;
fragment PointerSegmentChar : [A-Za-z0-9_.@] ;
// \, is accepted for upstream compatibility: upstream split function arguments on unescaped commas.
fragment StringEscape : '\\' [btnfr"'\\$,] ;
